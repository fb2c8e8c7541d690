// A resident's answer survives a phone without network (public/partials/_confirm_form.html).
//
// The form posts as plain HTML; this only keeps what was typed in localStorage while it is typed, and when the
// phone is offline at sending (or the post is lost on the way), holds the answer and sends it once the network is
// back (on the "online" event, or on the next visit to the page). A page that says the answer was recorded (data-draft-sent) forgets the draft;
// a page that came back with a refusal (data-posted) keeps the words but sends nothing by itself. Files cannot be
// kept: a photo is chosen again.
(function () {
  "use strict";
  var PREFIX = "xuncha-confirm:";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  var store = storage();
  if (!store) {
    return;
  }
  // Drafts were once kept under one key for every receipt code; such a draft could be sent with another code.
  store.removeItem(PREFIX + "receipt");
  var sent = document.querySelector("[data-draft-sent]");
  if (sent) {
    store.removeItem(PREFIX + sent.getAttribute("data-draft-sent"));
  }
  var form = document.querySelector("form[data-offline-draft]");
  if (!form) {
    return;
  }
  var key = PREFIX + form.getAttribute("data-offline-draft");
  var status = form.querySelector("[data-offline-status]");

  function read() {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function save(pending) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || element.type === "file" || element.type === "hidden" || element.type === "submit") {
        return;
      }
      if ((element.type === "radio" || element.type === "checkbox") && !element.checked) {
        return;
      }
      fields[element.name] = element.value;
    });
    store.setItem(key, JSON.stringify({ pending: pending, fields: fields }));
  }

  function restore(fields) {
    Array.prototype.forEach.call(form.elements, function (element) {
      if (!element.name || !(element.name in fields) || element.type === "file" || element.type === "hidden") {
        return;
      }
      if (element.type === "radio" || element.type === "checkbox") {
        element.checked = element.value === fields[element.name];
      } else if (!element.value) {
        element.value = fields[element.name];
      }
    });
  }

  function hold() {
    if (status) {
      status.hidden = false;
    }
  }

  function send() {
    form.submit();
  }

  var draft = read();
  if (draft) {
    restore(draft.fields || {});
    if (form.hasAttribute("data-posted")) {
      save(false);
    } else if (draft.pending) {
      if (navigator.onLine) {
        send();
      } else {
        hold();
      }
    }
  }
  form.addEventListener("input", function () {
    save(false);
  });
  form.addEventListener("change", function () {
    save(false);
  });
  // Every sending is pending until a page says it was recorded or refused: a post lost on the way is sent again.
  form.addEventListener("submit", function (event) {
    save(true);
    if (!navigator.onLine) {
      event.preventDefault();
      hold();
    }
  });
  window.addEventListener("online", function () {
    var current = read();
    if (current && current.pending) {
      send();
    }
  });
})();
