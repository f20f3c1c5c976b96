-- A submit-time foothold in the insert statement itself (engine job-insert.ts), so an idle
-- tenant's submit is one statement instead of BEGIN, lock, insert, COMMIT (three round
-- trips fewer between accepted and running). The rules are those the engine documents for
-- footholds (admission.ts, DESIGN §9):
-- * a try-lock per tenant and pool: a submit that finds another of the tenant's submits
--   taking a foothold takes none rather than wait for it;
-- * VOLATILE on purpose: in READ COMMITTED each query below takes a fresh snapshot after the
--   lock is held, so it sees the commit of a same-tenant foothold that held the lock before
--   (the lock is released only after that commit is visible). A STABLE function would use
--   the calling statement's snapshot, taken before the lock, and two submits could both
--   take a foothold.
-- Returns p_lease_ms when the foothold is taken, else NULL.
CREATE FUNCTION fanout_take_foothold(p_tenant uuid, p_pool text, p_lease_ms double precision)
RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('fanout.foothold'), hashtext(p_tenant::text || '/' || p_pool)) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM tenants tn LEFT JOIN quotas q ON q."tenantId" = tn.id
             WHERE tn.id = p_tenant AND tn.status = 'active' AND NOT tn.paused AND coalesce(q."maxConcurrent", 1) >= 1)
     AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t."tenantId" = p_tenant AND t.pool = p_pool AND t.status IN ('queued', 'running'))
     AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t."tenantId" = p_tenant AND t.pool = p_pool AND t.status = 'pending')
     AND EXISTS (SELECT 1 FROM worker_heartbeats w WHERE w.pool = p_pool
                 AND w."lastSeenAt" > now() - make_interval(secs => p_lease_ms / 1000)) THEN
    RETURN p_lease_ms;
  END IF;
  RETURN NULL;
END $$;
