-- A draining worker (closing: it finishes its running tasks and takes nothing new) keeps
-- its heartbeat with concurrency 0. It is not a live worker for a foothold: one taken for a
-- pool whose only workers are draining would wait on a lane nobody fetches from. Otherwise
-- as in 20261203134000_foothold_function.
CREATE OR REPLACE FUNCTION fanout_take_foothold(p_tenant uuid, p_pool text, p_lease_ms double precision)
RETURNS double precision LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('fanout.foothold'), hashtext(p_tenant::text || '/' || p_pool)) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM tenants tn LEFT JOIN quotas q ON q."tenantId" = tn.id
             WHERE tn.id = p_tenant AND tn.status = 'active' AND NOT tn.paused AND coalesce(q."maxConcurrent", 1) >= 1)
     AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t."tenantId" = p_tenant AND t.pool = p_pool AND t.status IN ('queued', 'running'))
     AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t."tenantId" = p_tenant AND t.pool = p_pool AND t.status = 'pending')
     AND EXISTS (SELECT 1 FROM worker_heartbeats w WHERE w.pool = p_pool AND w.concurrency > 0
                 AND w."lastSeenAt" > now() - make_interval(secs => p_lease_ms / 1000)) THEN
    RETURN p_lease_ms;
  END IF;
  RETURN NULL;
END $$;
