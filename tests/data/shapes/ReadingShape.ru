# expect: <https://w3id.org/mkg/id/f-fixture-09#reading-agency-accuses> needs a note saying how it reads the text
PREFIX mkg: <https://w3id.org/mkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
DELETE WHERE { <https://w3id.org/mkg/id/f-fixture-09#reading-agency-accuses> skos:note ?note }
