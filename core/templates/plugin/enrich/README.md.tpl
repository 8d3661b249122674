# {{package}}

A Switchboard enrichment: it names a contact's company from the domain of their email. Agents see
it in the contact sidebar, under `attributes.enrichment.<alias>.company` (the alias is the `[plugins.<alias>]` key).

```toml
[plugins.{{name}}]
package = "{{package}}"

[plugins.{{name}}.options]
companies = { "acme.com" = "Acme Inc." }   # REQUIRED. Email domain = company name.
ttl_minutes = 60                           # OPTIONAL (default 60). How long a company stays known before a new lookup.
```

## Test

```sh
bun --bun vitest run --pool=threads
```
