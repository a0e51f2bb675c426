// YASGUI on this server's own endpoint, with the predeclared prefixes written out (YASQE checks
// the query in the browser before sending it). The endpoint and first query come from the page's
// data attributes, so the page needs no inline script. Autocompletion from the network (LOV) is
// off: the page talks to this server only.
(function () {
  var element = document.getElementById("yasgui");
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: new URL(element.dataset.endpoint, window.location.href).href, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    persistenceId: "kg-serve-yasgui",
    yasqe: { value: element.dataset.query }
  });
  window.kgYasgui = yasgui;
})();
