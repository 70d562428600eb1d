// Small enhancements only: every page works without this script.
(function () {
  "use strict";

  // Drag a workbook onto the upload box.
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  var chosen = document.getElementById("chosen");
  if (drop && input) {
    drop.classList.add("enhanced");
    var show = function () {
      chosen.textContent = input.files && input.files.length ? "已选择：" + input.files[0].name : "尚未选择文件";
    };
    show();
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        show();
      }
    });
    var form = document.getElementById("upload-form");
    form.addEventListener("submit", function () {
      var button = document.getElementById("upload-button");
      button.disabled = true;
      button.textContent = "正在上传并校验…";
    });
  }

  // Copy a school's link.
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var done = function () { button.textContent = "已复制"; };
      var byHand = function () {  // older browsers, or a clipboard the page may not use
        var field = button.closest("tr").querySelector("input.link-text");
        field.select();
        document.execCommand("copy");
        done();
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, byHand);
      } else {
        byHand();
      }
    });
  });

  // Ask before renewing a link.
  document.querySelectorAll("button[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (e) {
      if (!window.confirm(button.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });

  // Follow a running draft build.
  var status = document.getElementById("build-status");
  if (status && status.getAttribute("data-state") === "running") {
    var poll = function () {
      fetch("/bureau/build/status", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (b) {
          if (b.state !== "running") { window.location.reload(); return; }
          document.getElementById("build-phase").textContent = b.phase;
          document.getElementById("build-count").textContent = b.total ? b.done + "/" + b.total : "";
          var bar = document.getElementById("build-progress");
          bar.max = b.total || 1;
          bar.value = b.done;
          window.setTimeout(poll, 1000);
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 1000);
  }
})();
