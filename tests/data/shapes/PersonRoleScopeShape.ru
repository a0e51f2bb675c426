# expect: mkgd:f-fixture-03 gives organization https://w3id.org/mkg/id/branch-group the person-only role leader
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
DELETE { mkgd:f-fixture-03 org:member ?m } INSERT { mkgd:f-fixture-03 org:member mkgd:branch-group } WHERE { mkgd:f-fixture-03 org:member ?m }
