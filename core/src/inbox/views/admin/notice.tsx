/** @jsxImportSource hono/jsx */
/**
 * What an admin page says after a change (`?done=<code>`, from a fixed list so the query cannot put
 * arbitrary text on the page) or when a change was refused (the error, as an alert).
 */

/** The done messages, by the code in `?done=`. */
const DONE = {
  "agent-role": "Role changed.",
  "agent-deleted": "Agent deleted.",
  "agent-deactivated": "Agent deactivated: they cannot sign in, and their unresolved conversations are unassigned.",
  "agent-reactivated": "Agent reactivated: they can sign in again.",
  "agent-availability": "Availability after sign-in saved.",
  "password-changed": "Password changed. Your other sessions have been signed out.",
  "preferences-saved": "Settings saved.",
  "team-created": "Team created.",
  "team-renamed": "Team renamed.",
  "team-deleted": "Team deleted.",
  "member-added": "Member added.",
  "member-removed": "Member removed.",
  "team-inboxes": "Inboxes saved.",
  "canned-created": "Canned response created.",
  "canned-saved": "Canned response saved.",
  "canned-deleted": "Canned response deleted.",
  "article-created": "Article saved.",
  "article-saved": "Article saved.",
  "article-deleted": "Article deleted.",
  "label-created": "Label created.",
  "label-saved": "Label saved.",
  "label-deleted": "Label deleted.",
  "delivery-replayed": "Delivery queued to be sent again.",
} as const;

export type DoneCode = keyof typeof DONE;

export interface Notice {
  /** A code from `?done=`. */
  done?: string;
  /** Why the change was refused. */
  error?: string;
  /** The refused form's values, to fill the form again. */
  values?: Record<string, string>;
}

export function NoticeView(props: { notice: Notice }) {
  const { done, error } = props.notice;
  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  const text = done && Object.hasOwn(DONE, done) ? DONE[done as DoneCode] : undefined;
  return text ? (
    <p class="ok notice" role="status">
      {text}
    </p>
  ) : null;
}
