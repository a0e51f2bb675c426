# expect: mkgd:test-withdrawal-2021 needs exactly one event kind
PREFIX mkg: <https://w3id.org/mkg/ontology#>
PREFIX mkgd: <https://w3id.org/mkg/id/>
DELETE WHERE { mkgd:test-withdrawal-2021 mkg:eventKind ?kind }
