# expect: mkgd:test-group is its own ancestor: its lineage (splits and formations) forms a cycle
PREFIX mkg: <https://w3id.org/mkg/ontology#>
PREFIX mkgd: <https://w3id.org/mkg/id/>
PREFIX mkgv: <https://w3id.org/mkg/vocab/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX schema: <https://schema.org/>
INSERT DATA { mkgd:f-fixture-05 a mkg:SplitFrom ; mkg:changeKind mkgv:change-split ; org:originalOrganization mkgd:branch-group ; org:resultingOrganization mkgd:test-group .
  mkgd:test-group mkg:derivesFrom mkgd:branch-group }
