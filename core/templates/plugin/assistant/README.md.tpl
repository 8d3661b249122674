# {{package}}

A Switchboard assistant: it suggests canned replies when the customer's latest message contains one
of your words, and rewrites a draft to end with your signature. It only proposes; agents send.

```toml
[plugins.{{name}}]
package = "{{package}}"

[plugins.{{name}}.options]
answers = { refund = "Refunds take 5 days." }   # OPTIONAL (default none). Word (any case) = the reply to suggest.
signature = "— Acme support"                    # REQUIRED. The line a rewritten draft ends with.
```

## Test

```sh
bun --bun vitest run --pool=threads
```
