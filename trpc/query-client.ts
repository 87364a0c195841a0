import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";

/** One factory for the browser and for each server render, so both cache alike. */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Server-rendered data is fresh on arrival; do not refetch it the moment the page hydrates.
      queries: { staleTime: 30_000, retry: 1 },
      // Stream queries still pending at the end of a server render to the browser.
      dehydrate: { shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending" },
    },
  });
}
