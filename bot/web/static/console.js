// Inside Telegram, the Mini App hands the page its signed launch data: send it to the server,
// which checks the signature and answers with a session. No inline script (the page's CSP).
(function () {
  var form = document.getElementById("login");
  var app = window.Telegram && window.Telegram.WebApp;
  if (!form || !app || !app.initData) {
    return;
  }
  app.ready();
  form.elements["init_data"].value = app.initData;
  form.submit();
})();
