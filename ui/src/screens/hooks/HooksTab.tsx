import type { UserPool } from "../../api/types";
import { HookInvocations } from "./HookInvocations";
import { HooksForm } from "./HooksForm";

/** A pool's hooks (Cognito's Lambda triggers, as HTTP URLs) and the log of their calls. */
export function HooksTab({ pool, onChanged }: { pool: UserPool; onChanged: () => void }) {
  return (
    <div className="hooks-tab" data-testid="hooks-tab">
      <HooksForm
        key={`${pool.LastModifiedDate}:${JSON.stringify(pool.LambdaConfig ?? {})}`}
        pool={pool}
        onSaved={onChanged}
      />
      <HookInvocations poolId={pool.Id} />
    </div>
  );
}
