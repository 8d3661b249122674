# {{package}}

A Switchboard channel: a sender POSTs customers' messages to the inbox's webhook, and agents'
replies are POSTed, signed, to your `reply_url`.

```toml
[plugins.{{name}}]
package = "{{package}}"

[inboxes.main]
plugin = "{{name}}"
channel = "{{name}}"

[inboxes.main.options]
secret = "${MAIN_SECRET}"                  # REQUIRED. At least 16 characters; senders send it in X-Webhook-Secret.
reply_url = "https://example.com/replies"  # REQUIRED. Replies are POSTed here as JSON, signed in X-Switchboard-Signature.
timeout_ms = 10000                         # OPTIONAL (default 10000). How long to wait for reply_url.
```

A customer message: `POST /webhooks/main/messages` with
`{"id": "m1", "from": {"id": "u1", "name": "Ada"}, "text": "Hello?"}` (optional `from.email`,
`thread`). It answers 200 with the conversation id once the message is stored, 401 without the
secret, 400 for a body of the wrong shape and 422 when Switchboard refuses the message.

A reply: `{"to": "u1", "thread": null, "text": "Hi Ada!", "idempotency_key": "…"}`. Answer 2xx
(with `{"id": "…"}` to record your id); a 429 or 5xx is retried, any other status fails the reply.

## Test

```sh
bun --bun vitest run --pool=threads
```
