# expect: mkgd:f-fixture-05 is dated 2021-01-01, after its source https://w3id.org/mkg/id/src-fixture was published (at the latest 2020-12-31)
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
DELETE { ?p mkg:latest ?l } INSERT { ?p mkg:latest "2020-12-31"^^xsd:date } WHERE { mkgd:src-fixture mkg:published ?p . ?p mkg:latest ?l }
