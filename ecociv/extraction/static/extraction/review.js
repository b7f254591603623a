// Upload: say that the platform is working (reading a long document takes a moment) and stop
// a second click from uploading the same file twice.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.id !== "upload-form") return;
  form.classList.add("busy");
  var btn = form.querySelector("#upload-btn");
  if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
});
