# expect: <https://w3id.org/mkg/id/f-fixture-03#during> is attested (2017) before it could have started (2018)
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
INSERT DATA {
  <https://w3id.org/mkg/id/f-fixture-03#during> mkg:attestedAt <https://w3id.org/mkg/id/f-fixture-03#attested> .
  <https://w3id.org/mkg/id/f-fixture-03#attested> a mkg:DateSpan ; mkg:edtf "2017" ;
      mkg:earliest "2017-01-01"^^xsd:date ; mkg:latest "2017-12-31"^^xsd:date ; mkg:precision mkgv:precision-year .
}
