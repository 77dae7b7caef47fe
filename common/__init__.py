"""What every CareDesk app shares, and that imports no app.

The refusal type services raise (`errors.DomainError`), form fields and the text validator (`forms`,
`validators`), people's names (`people`, the `|person` and `|money` template builtins), the menu
apps register their entries in (`navigation`), times on the local clock (`localtime`), money, phone
numbers, case- and accent-insensitive matching (`textsearch`), what every email shares (`emails`),
`views.role_required`, CSV streaming, capped paging, admin mixins, the client address behind
proxies, the query-count middleware and log filters. Settings and their env parsing live in `config/`.
"""
