/* The lobby's camera and microphone test: a local preview and a level meter. Nothing leaves the
   browser. Labels come from #video-check-labels. */
(function () {
  "use strict";
  var root = document.getElementById("video-check");
  if (!root) return;
  var T = JSON.parse(document.getElementById("video-check-labels").textContent);
  var start = document.getElementById("video-check-start"), stop = document.getElementById("video-check-stop");
  var preview = document.getElementById("video-check-preview"), meter = document.getElementById("video-check-meter");
  var statusBox = document.getElementById("video-check-status");
  var stream = null, context = null, timer = null;

  function end() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    if (context) context.close().catch(function () {});
    clearInterval(timer);
    stream = context = null;
    preview.dataset.count = "0";
    meter.parentNode.hidden = true;
    start.hidden = false; stop.hidden = true;
  }

  start.addEventListener("click", function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { statusBox.textContent = T.unsupported; return; }
    navigator.mediaDevices.getUserMedia({audio: true, video: {width: {ideal: 640}, height: {ideal: 360}}}).then(function (s) {
      stream = s;
      preview.querySelector("video").srcObject = s;
      preview.dataset.count = "1";
      meter.parentNode.hidden = false;
      start.hidden = true; stop.hidden = false;
      statusBox.textContent = T.ok;
      try {
        context = new (window.AudioContext || window.webkitAudioContext)();
        var analyser = context.createAnalyser(), data = new Uint8Array(512);
        analyser.fftSize = 512;
        context.createMediaStreamSource(s).connect(analyser);
        timer = setInterval(function () {
          analyser.getByteTimeDomainData(data);
          var sum = 0;
          for (var i = 0; i < data.length; i++) { var v = (data[i] - 128) / 128; sum += v * v; }
          meter.value = Math.min(1, Math.sqrt(sum / data.length) * 4);
        }, 100);
      } catch (e) { /* no WebAudio: the preview alone */ }
    }).catch(function () { statusBox.textContent = T.noMedia; });
  });
  stop.addEventListener("click", end);
  window.addEventListener("pagehide", end);
  window.WTIVideoCheck = {level: function () { return meter.value; }, active: function () { return stream !== null; }};
})();
