/**
 * The one merge for order data in the storefront's cache. Every write — the checkout
 * mutation's answer, a poll, a pushed SSE event, a server render's hydration — goes through
 * here, so a slow response or a replayed event can never show an older status than one
 * already shown. "Older" is decided by the state machine's own transition table.
 * Client-safe.
 */
import type { EventView, OrderView } from "./contract";
import { ORDER_TRANSITIONS, type OrderStatus } from "./order-state";

/** An order as the API shows it, and one entry of its event log. */
export type OrderSnapshot = OrderView;
export type OrderEventSnapshot = EventView;

/** One `status_update` of the SSE stream (`id` is the event id). */
export type StatusUpdate = { id?: string; order_id: string; status: OrderStatus; timestamp: string; tracking?: string };

export type OrderPage = { data: OrderSnapshot[]; next_cursor: string | null };

const reachable = new Map<OrderStatus, Set<OrderStatus>>();

/** Every status that can come after `from`, directly or through others. */
function laterStatuses(from: OrderStatus): Set<OrderStatus> {
  let later = reachable.get(from);
  if (later) return later;
  later = new Set<OrderStatus>();
  const stack = [...ORDER_TRANSITIONS[from]];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (later.has(next)) continue;
    later.add(next);
    stack.push(...ORDER_TRANSITIONS[next]);
  }
  reachable.set(from, later);
  return later;
}

/** True when `incoming` is `current` or a status the order can reach from it. */
export function isSameOrLater(current: OrderStatus, incoming: OrderStatus): boolean {
  return current === incoming || laterStatuses(current).has(incoming);
}

function unionEvents(a: OrderEventSnapshot[], b: OrderEventSnapshot[]): OrderEventSnapshot[] {
  const byId = new Map(a.map((e) => [e.id, e]));
  let added = false;
  for (const event of b) {
    if (!byId.has(event.id)) {
      byId.set(event.id, event);
      added = true;
    }
  }
  if (!added) return a;
  return [...byId.values()].sort((x, y) => x.timestamp.localeCompare(y.timestamp));
}

function isSnapshot(value: OrderSnapshot | StatusUpdate): value is OrderSnapshot {
  return "events" in value;
}

/**
 * Merges what just arrived into what is shown. The further-along status wins (ties go to
 * the newcomer, which may carry more detail); events are a union, since each is a fact.
 * Returns undefined only when there is nothing to show yet and the update alone cannot
 * make an order (the caller then refetches).
 */
export function mergeOrder(current: OrderSnapshot | undefined, incoming: OrderSnapshot | StatusUpdate): OrderSnapshot | undefined {
  if (!current) return isSnapshot(incoming) ? incoming : undefined;
  const incomingEvents = isSnapshot(incoming)
    ? incoming.events
    : incoming.id
      ? [{ id: incoming.id, status: incoming.status, timestamp: incoming.timestamp, ...(incoming.tracking ? { tracking: incoming.tracking } : {}) }]
      : [];
  const events = unionEvents(current.events, incomingEvents);
  if (!isSameOrLater(current.status, incoming.status)) return events === current.events ? current : { ...current, events };
  const tracking = incoming.tracking ?? current.tracking;
  if (isSnapshot(incoming)) return { ...incoming, ...(tracking ? { tracking } : {}), events: unionEvents(incoming.events, current.events) };
  if (incoming.status === current.status && tracking === current.tracking && events === current.events) return current;
  return { ...current, status: incoming.status, ...(tracking ? { tracking } : {}), updated_at: incoming.timestamp, events };
}

/** A list page merged order by order; an order once shown stays (a stale page cannot drop it). */
export function mergeOrderPage(current: OrderPage | undefined, incoming: OrderPage): OrderPage {
  if (!current) return incoming;
  const byId = new Map(current.data.map((o) => [o.order_id, o]));
  for (const order of incoming.data) byId.set(order.order_id, mergeOrder(byId.get(order.order_id), order)!);
  const data = [...byId.values()].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return { data, next_cursor: incoming.next_cursor };
}

/** Applies one pushed update to a list page; orders it does not hold are left to a refetch. */
export function applyUpdateToPage(page: OrderPage | undefined, update: StatusUpdate): OrderPage | undefined {
  if (!page) return page;
  let changed = false;
  const data = page.data.map((order) => {
    if (order.order_id !== update.order_id) return order;
    const merged = mergeOrder(order, update)!;
    if (merged !== order) changed = true;
    return merged;
  });
  return changed ? { ...page, data } : page;
}
