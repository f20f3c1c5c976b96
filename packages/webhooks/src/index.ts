// @fanout/webhooks: completion webhooks. Signs and delivers the engine's job.finished
// outbox rows; keeps tenants' signing secrets encrypted; guards against SSRF.
// Deliberately free of BullMQ and of the engine: it reads the outbox from Postgres.
export { createWebhookDispatcher, retryDelayMs, DEFAULT_MAX_ATTEMPTS, type DispatcherOptions, type WebhookDispatcher } from "./dispatcher";
export { listDeliveries } from "./deliveries";
export { tenantWebhookSecret, encryptSecret, decryptSecret, newWebhookSecret } from "./secrets";
export { signatureHeader, verifySignature, SIGNATURE_HEADER } from "./sign";
export { isPrivateAddress, assertCallbackUrlAllowed, BlockedAddressError } from "./ssrf";
export { postJson } from "./post";
