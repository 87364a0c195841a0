import "server-only";
import { sql } from "drizzle-orm";
import type { BatchResultLine } from "@/lib/contract";
import type { OrderStatus } from "@/lib/order-state";
import type { DbOrTx } from "@/server/db/client";

/** Lines read per query: the results of 10,000 lines go out in pages, never as one string. */
export const RESULTS_PAGE = 1000;

type ResultRow = {
  line_no: number;
  reference: string | null;
  order_id: string | null;
  status: OrderStatus | null;
  error_code: string | null;
  error_message: string | null;
  error_details: unknown;
};

/**
 * GET /api/batches/{id}/results, page by page in input order (keyset on the line number):
 * each line's order and its status now, or the error that rejected it; a line not placed yet
 * has neither. The caller checks the owner first.
 */
export async function* batchResults(db: DbOrTx, batchId: string): AsyncGenerator<BatchResultLine[]> {
  let after = 0;
  for (;;) {
    const { rows } = await db.execute<ResultRow>(sql`
      SELECT bl.line_no, bl.reference, bl.order_id, o.status, bl.error_code, bl.error_message, bl.error_details
      FROM batch_lines bl LEFT JOIN orders o ON o.id = bl.order_id
      WHERE bl.batch_id = ${batchId} AND bl.line_no > ${after}
      ORDER BY bl.line_no LIMIT ${RESULTS_PAGE}`);
    if (rows.length > 0) yield rows.map(toResultLine);
    if (rows.length < RESULTS_PAGE) return;
    after = rows[rows.length - 1]!.line_no;
  }
}

function toResultLine(row: ResultRow): BatchResultLine {
  return {
    line: row.line_no,
    ...(row.reference !== null ? { reference: row.reference } : {}),
    ...(row.order_id !== null ? { order_id: row.order_id } : {}),
    ...(row.status !== null ? { status: row.status } : {}),
    ...(row.error_code !== null
      ? { error: { code: row.error_code, message: row.error_message ?? "", ...(row.error_details !== null ? { details: row.error_details } : {}) } }
      : {}),
  };
}
