/** Examples appended to each command's --help. */
export const HELP_EXAMPLES = {
  main: `
Examples:
  $ cometkeys validate -f keys.yaml
  $ COMETAPI_ACCESS_TOKEN=... cometkeys plan --out plan.json
  $ COMETAPI_ACCESS_TOKEN=... cometkeys apply plan.json
  $ cometkeys emulator --seed 50

Environment: COMETAPI_ACCESS_TOKEN (required for API commands), COMETAPI_USER_ID,
COMETAPI_BASE_URL. Exit codes: 0 ok, 1 error (nothing written), 2 changes/drift
(plan --detailed-exitcode, drift), 3 apply began but did not fully succeed.
`,
  validate: `
Examples:
  $ cometkeys validate                       # keys.yaml, or the config's files
  $ cometkeys validate -f 'keys/*.yaml'
  $ cometkeys validate -f keys.yaml --format json
`,
  plan: `
Examples:
  $ cometkeys plan
  $ cometkeys plan --out plan.json --format markdown > plan.md
  $ cometkeys plan --detailed-exitcode --target 'ci-*'
`,
  apply: `
Examples:
  $ cometkeys apply plan.json                # a saved plan
  $ cometkeys apply --auto-approve           # plan afresh and apply (CI)
  $ cometkeys apply plan.json --force=updates --audit-log audit.jsonl
`,
  deliver: `
Examples:
  $ cometkeys deliver backend-prod            # rerun the sinks its deliver: lists
  $ cometkeys deliver backend-prod ci-runner --sink vault
`,
  completion: `
Examples:
  $ source <(cometkeys completion bash)      # or add it to ~/.bashrc
  $ cometkeys completion zsh > "\${fpath[1]}/_cometkeys"
  $ cometkeys completion fish > ~/.config/fish/completions/cometkeys.fish
`,
  show: `
Examples:
  $ cometkeys show plan.json
  $ cometkeys show plan.json --format markdown
`,
  drift: `
Examples:
  $ cometkeys drift                          # exit 2 when the account drifted
  $ cometkeys drift --format json
`,
  report: `
Examples:
  $ cometkeys report                         # every key, most spent first
  $ cometkeys report -f keys.yaml            # also marks which keys the files manage
  $ cometkeys report --format markdown > report.md   # with a chart of the top 20
  $ cometkeys report --format csv > spend.csv
`,
  export: `
Examples:
  $ cometkeys export --out keys.yaml
  $ cometkeys export --target 'ci-*'
`,
  schema: `
Examples:
  $ cometkeys schema --out keys.schema.json  # then: # yaml-language-server: $schema=./keys.schema.json
  $ cometkeys schema > schemas/cometkeys-keys.json
`,
  emulator: `
Examples:
  $ cometkeys emulator --seed 100            # prints {"url":...,"token":...}
  $ cometkeys emulator --port 8080 --latency 50 --status-mode docs
  $ cometkeys emulator --rate-limit 20/1 --fail-rate 0.1 --state emu.json
  $ cometkeys emulator --generation upstream-2026-08   # int32 quotas, auto_groups, 401 auth
`,
} as const;
