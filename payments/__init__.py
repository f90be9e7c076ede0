"""The payments domain: remuneration policy, benefit-aware payment choices, ledger,
finance exports."""
