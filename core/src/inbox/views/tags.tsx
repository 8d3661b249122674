/** @jsxImportSource hono/jsx */
/**
 * Labels (with their colour) and priority as small chips, in the list rows and the conversation
 * header, and the count beside a list view.
 */

/** A label's chip; its colour (#rrggbb, checked when saved) shows as a dot before the name. */
export function LabelChip(props: { name: string; color: string | null }) {
  return (
    <span class="badge label-chip" style={props.color && /^#[0-9a-fA-F]{6}$/.test(props.color) ? `--label:${props.color}` : undefined}>
      {props.name}
    </span>
  );
}

/** The priority chip; nothing for "none". */
export function PriorityChip(props: { priority: string }) {
  if (props.priority === "none") return null;
  return (
    <span class={`badge prio-${props.priority}`} title="Priority">
      <span class="sr-only">Priority: </span>
      {props.priority}
    </span>
  );
}

/** The conversation header's priority and attached labels. */
export function HeaderTags(props: { priority: string; labels: { name: string; color: string | null; attached: boolean }[] }) {
  const attached = props.labels.filter((l) => l.attached);
  if (props.priority === "none" && attached.length === 0) return null;
  return (
    <span class="head-tags" data-head-tags>
      <PriorityChip priority={props.priority} />
      {attached.map((l) => (
        <LabelChip name={l.name} color={l.color} />
      ))}
    </span>
  );
}

/** A view's count, read after its name ("Mine, 4"). */
export function ViewCount(props: { n: number | undefined }) {
  if (props.n === undefined) return null;
  return (
    <span class="count">
      <span class="sr-only">, </span>
      {props.n}
    </span>
  );
}
