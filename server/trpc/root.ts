import "server-only";
import { createCallerFactory, createTRPCRouter } from "./init";
import { adminRouter } from "./routers/admin";
import { batchesRouter } from "./routers/batches";
import { cartRouter } from "./routers/cart";
import { catalogRouter } from "./routers/catalog";
import { developersRouter } from "./routers/developers";
import { ordersRouter } from "./routers/orders";

export const appRouter = createTRPCRouter({
  admin: adminRouter,
  batches: batchesRouter,
  cart: cartRouter,
  catalog: catalogRouter,
  developers: developersRouter,
  orders: ordersRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
