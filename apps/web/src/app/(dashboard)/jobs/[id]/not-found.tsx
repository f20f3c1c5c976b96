import { ButtonLink } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/states";

export default function JobNotFound() {
  return (
    <div role="alert">
      <EmptyState title="No job with that id exists in this tenant." icon="?" action={<ButtonLink href="/jobs">Back to jobs</ButtonLink>}>
        It may belong to another tenant: switch tenants at the top if you have several.
      </EmptyState>
    </div>
  );
}
