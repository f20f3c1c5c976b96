import { healthResponse } from "@fanout/api/rest";
import { getEngine } from "@/server/engine";

export const dynamic = "force-dynamic";

export async function GET() {
  return healthResponse(getEngine());
}
