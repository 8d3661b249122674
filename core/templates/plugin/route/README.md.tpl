# {{package}}

A Switchboard routing strategy: a conversation whose first message contains one of your words goes
to that word's agent while they are available. Otherwise the next strategy of the inbox decides.

```toml
[plugins.{{name}}]
package = "{{package}}"

[plugins.{{name}}.options]
rules = [{ word = "invoice", agent = "bea@example.com" }]   # REQUIRED. Word (any case) = the agent's email.

[inboxes.support]
routing = ["{{name}}", "least-busy"]   # OPTIONAL. Plugin aliases in order, the first answer wins (default: every routing plugin).
```

## Test

```sh
bun --bun vitest run --pool=threads
```
