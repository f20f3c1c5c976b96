// tRPC for the dashboard. Mount `appRouter` with the fetch adapter and build each
// request's context with `createTrpcContext(deps, { user, tenantId })`.
export { appRouter, type AppRouter } from "./root";
export {
  createCallerFactory,
  createTrpcContext,
  hasRole,
  ROLES,
  type MembershipInfo,
  type RoleName,
  type SessionUser,
  type TrpcContext,
  type TrpcDeps,
} from "./init";
export { API_KEY_SCOPES } from "./routers/apiKeys";
