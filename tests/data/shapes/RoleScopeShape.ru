# expect: mkgd:f-fixture-03 gives person https://w3id.org/mkg/id/ahmad-test the organization-only role branch-of
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
DELETE { mkgd:f-fixture-03 org:role ?r } INSERT { mkgd:f-fixture-03 org:role mkgv:role-branch-of } WHERE { mkgd:f-fixture-03 org:role ?r }
