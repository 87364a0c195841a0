import { unknownEndpoint } from "@/server/http/unknown-endpoint";

/** Any /api path no route claims (server/http/unknown-endpoint.ts). */
export { unknownEndpoint as GET, unknownEndpoint as POST, unknownEndpoint as PUT, unknownEndpoint as PATCH, unknownEndpoint as DELETE };
