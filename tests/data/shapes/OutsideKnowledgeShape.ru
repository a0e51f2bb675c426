# expect: mkgd:test-group flags Khorasan as outside knowledge, but it is none of its labels, aliases or notes
PREFIX mkg: <https://w3id.org/mkg/ontology#>
PREFIX mkgd: <https://w3id.org/mkg/id/>
INSERT DATA { mkgd:test-group mkg:outsideKnowledge "Khorasan"@en }
