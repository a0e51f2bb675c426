# expect: mkgd:f-fixture-09 prefers a reading without saying why
PREFIX mkg: <https://w3id.org/mkg/ontology#>
PREFIX mkgd: <https://w3id.org/mkg/id/>
DELETE WHERE { mkgd:f-fixture-09 mkg:preferenceReason ?why }
