/** @jsxImportSource hono/jsx */
/** The rule of who sees an inbox, said the same way wherever teams and inboxes meet. */
export function VisibilityRule() {
  return (
    <p class="note-box">
      Who sees an inbox: an inbox given to no team is visible to every agent. Once it is given to one or more teams, only the members of
      those teams see it (and its conversations). Admins see every inbox.
    </p>
  );
}
