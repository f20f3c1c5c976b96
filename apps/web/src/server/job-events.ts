// The process-wide live-update hub (see ./job-event-hub.ts), wired to the engine and Redis.
import { createJobEventHub } from "./job-event-hub";
import { getEngine } from "./engine";
import { getLogger } from "./logger";
import { getRedis } from "./redis";
import { singleton } from "./singleton";

export const getJobEventHub = () =>
  singleton("jobEventHub", () => {
    const engine = getEngine();
    return createJobEventHub({
      // A subscriber connection cannot run commands: its own duplicate of the shared client.
      subscriber: () => getRedis().duplicate(),
      channel: (jobId) => engine.jobChannel(jobId),
      load: (tenantId, jobId) => engine.getJob(tenantId, jobId),
      onError: (err, jobId) => getLogger().warn({ err, jobId }, "live job update failed"),
    });
  });
