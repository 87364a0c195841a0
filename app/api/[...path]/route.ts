import { errorResponse } from "@/server/http/api-response";

/** Any /api path no route claims: a JSON 404 in the contract's error shape, not an HTML page. */
const notFound = () => errorResponse(404, "not_found", "No such API endpoint.");

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
