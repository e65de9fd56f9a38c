// Probity's only script: small progressive enhancements. Every page works
// without it.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("primary-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("open", !open);
    });
  }
  // Copy buttons: data-copy names the field whose value they copy. Without
  // script the field is still there to select and copy by hand.
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    var field = document.getElementById(b.getAttribute("data-copy"));
    if (!field || !navigator.clipboard) { return; }
    b.hidden = false;
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () { b.textContent = "Copied"; });
    });
  });
  var secret = document.querySelector("input.secret");
  if (secret) { secret.focus(); secret.select(); }
  // Put focus on the first field in error so keyboard users land on it.
  // A fieldset in error (radio choices) hands focus to its first control.
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad && bad.tagName === "FIELDSET") { bad = bad.querySelector("input, select, textarea"); }
  if (bad) { bad.focus(); }
  // "/" jumps to the search box in the header, unless the person is typing.
  var box = document.getElementById("nav-q");
  if (box) {
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var t = e.target;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
      e.preventDefault();
      box.focus();
    });
  }
})();

// Long uploads and downloads (data-progress): a <progress> bar with its
// percentage read out politely, and a Cancel button. A cancelled upload
// aborts the request; the server sees its context cancelled and the
// import's one transaction rolls back. Without script the forms post and
// the links download as usual.
(function () {
  "use strict";
  function size(n) {
    if (n < 1024) { return n + " B"; }
    if (n < 1048576) { return (n / 1024).toFixed(1) + " KB"; }
    return (n / 1048576).toFixed(1) + " MB";
  }
  var boxes = 0;
  function progressBox(after, label) {
    var box = document.createElement("div");
    box.className = "progress-box";
    var id = "progress-" + (++boxes);
    var lab = document.createElement("label");
    lab.htmlFor = id;
    lab.textContent = label;
    var bar = document.createElement("progress");
    bar.id = id;
    bar.max = 100;
    bar.value = 0;
    var text = document.createElement("span");
    text.className = "progress-text";
    text.setAttribute("aria-live", "polite");
    text.textContent = "0%";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Cancel";
    box.appendChild(lab);
    box.appendChild(bar);
    box.appendChild(text);
    box.appendChild(cancel);
    after.insertAdjacentElement("afterend", box);
    var said = -1;
    return {
      cancel: cancel,
      set: function (loaded, total, what) {
        if (total > 0) {
          var pct = Math.min(100, Math.floor(loaded * 100 / total));
          bar.value = pct;
          // Say each tenth, not every tick, so screen readers are not flooded.
          if (Math.floor(pct / 10) !== said) {
            said = Math.floor(pct / 10);
            text.textContent = pct + "% (" + size(loaded) + " of " + size(total) + " " + what + ")";
          }
        } else {
          bar.removeAttribute("value");
          text.textContent = size(loaded) + " " + what;
        }
      },
      busy: function (msg) { bar.removeAttribute("value"); text.textContent = msg; },
      done: function (msg) { bar.value = 100; text.textContent = msg; cancel.remove(); },
      fail: function (msg) { text.textContent = msg; cancel.remove(); box.classList.add("bad"); }
    };
  }
  // showPage replaces the document with a response page (whose script runs
  // again) and puts its address in the location bar.
  function showPage(html, url) {
    if (url && url !== location.href) { history.replaceState(null, "", url); }
    document.open();
    document.write(html);
    document.close();
  }
  document.querySelectorAll("form[data-progress]").forEach(function (form) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var data;
      try { data = new FormData(form, ev.submitter); } catch (e) { data = new FormData(form); }
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
      buttons.forEach(function (b) { b.disabled = true; });
      var p = progressBox(form, form.getAttribute("data-progress") || "Uploading");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      if (form.enctype !== "multipart/form-data") {
        data = new URLSearchParams(data); // sent as the form would send it, urlencoded
      }
      xhr.upload.onprogress = function (e) { p.set(e.loaded, e.lengthComputable ? e.total : 0, "sent"); };
      xhr.upload.onload = function () { p.busy("Sent; the server is working on it…"); };
      xhr.onload = function () { showPage(xhr.responseText, xhr.responseURL); };
      var again = function (msg) {
        p.fail(msg);
        buttons.forEach(function (b) { b.disabled = false; });
      };
      xhr.onerror = function () { again("The upload failed: the connection was lost. Nothing was changed; try again."); };
      xhr.onabort = function () { again("Cancelled: nothing was changed."); };
      p.cancel.addEventListener("click", function () { xhr.abort(); });
      xhr.send(data);
    });
  });
  // filenameOf reads the file's name from a Content-Disposition header.
  function filenameOf(cd, fallback) {
    var m = /filename\*=utf-8''([^;]+)/i.exec(cd);
    if (m) {
      try { return decodeURIComponent(m[1]); } catch (e) { /* fall through to the plain name */ }
    }
    m = /filename="?([^";]+)"?/.exec(cd);
    return m ? m[1] : fallback;
  }
  document.querySelectorAll("a[data-progress]").forEach(function (a) {
    if (!window.fetch || !window.AbortController || !window.ReadableStream || !window.Blob) { return; }
    a.addEventListener("click", function (ev) {
      if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) { return; }
      ev.preventDefault();
      var old = a.nextElementSibling;
      if (old && old.classList.contains("progress-box")) { old.remove(); }
      var ctl = new AbortController();
      var p = progressBox(a, a.getAttribute("data-progress") || ("Downloading: " + a.textContent.trim()));
      p.cancel.addEventListener("click", function () { ctl.abort(); });
      fetch(a.href, { signal: ctl.signal, credentials: "same-origin" }).then(function (res) {
        var cd = res.headers.get("Content-Disposition") || "";
        if (!res.ok || cd.indexOf("attachment") !== 0) {
          // An error page: show it, as following the link would have.
          return res.text().then(function (html) { showPage(html, null); });
        }
        var total = parseInt(res.headers.get("Content-Length") || "0", 10) || 0;
        var got = 0;
        var chunks = [];
        var reader = res.body.getReader();
        var pump = function () {
          return reader.read().then(function (r) {
            if (r.done) { return; }
            chunks.push(r.value);
            got += r.value.length;
            p.set(got, total, "received");
            return pump();
          });
        };
        return pump().then(function () {
          var name = filenameOf(cd, "download");
          var url = URL.createObjectURL(new Blob(chunks, { type: res.headers.get("Content-Type") || "application/octet-stream" }));
          var save = document.createElement("a");
          save.href = url;
          save.download = name;
          save.hidden = true;
          document.body.appendChild(save);
          save.click();
          save.remove();
          window.setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          p.done("Downloaded " + name + " (" + size(got) + ").");
        });
      }).catch(function (err) {
        p.fail(err && err.name === "AbortError" ? "Download cancelled." : "The download failed; try again.");
      });
    });
  });
})();
