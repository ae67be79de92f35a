/* /docs: Swagger UI, served from this service (vendor/swagger-ui), on our OpenAPI
   document. Without JavaScript the page still links to openapi.json. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var target = document.getElementById("swagger-ui");
    if (!target || !window.SwaggerUIBundle) { return; }
    window.ui = window.SwaggerUIBundle({
      url: target.getAttribute("data-spec-url"),
      domNode: target,
      deepLinking: true
    });
  });
}());
