/* The room's built-in video call: a full mesh of up to 8 browsers, signalled over the page's own
   websocket (person-live.js), media straight between browsers (or through TURN). Perfect
   negotiation (the peer with the greater id is polite) avoids glare. Video shrinks as the group
   grows; audio only on request or on a weak connection. Labels come from #call-labels.
   window.WTIVideoCall.stats() reports what each connection received (for tests and support). */
(function (global) {
  "use strict";
  var root = document.getElementById("video-call");
  if (!root) return;
  var T = JSON.parse(document.getElementById("call-labels").textContent);
  var grid = document.getElementById("video-grid"), statusBox = document.getElementById("call-status");
  var buttons = {
    join: document.getElementById("call-join"), mute: document.getElementById("call-mute"),
    camera: document.getElementById("call-camera"), audioOnly: document.getElementById("call-audio-only"),
    leave: document.getElementById("call-leave")
  };
  var pickers = {video: document.getElementById("call-camera-device"), audio: document.getElementById("call-microphone-device")};
  var small = root.dataset.small === "1", storageKey = root.dataset.storageKey;
  // An organiser observing a room names it (their stream is the control room's); members do not.
  var joinMessage = root.dataset.group ? {type: "call.join", group: parseInt(root.dataset.group, 10)} : {type: "call.join"};
  var me = null, ice = null, local = null, peers = {}, wanted = false, joining = false;
  var audioOnly = false, weakNoticed = false, audioContext = null, meters = [], timers = [];

  function say(text) { statusBox.textContent = text; }
  function socket() { return global.WTICallSocket || null; }
  function send(message) { var s = socket(); if (s) s.send(message); }
  function remember(on) { try { if (on) sessionStorage.setItem(storageKey, "1"); else sessionStorage.removeItem(storageKey); } catch (e) { /* private mode */ } }
  function remembered() { try { return sessionStorage.getItem(storageKey) === "1"; } catch (e) { return false; } }

  /* 640x360 at 15 fps for up to 4 people, 320x180 at 12 fps beyond (160x90 in tests). */
  function videoConstraints(people) {
    if (small) return {width: {ideal: 160}, height: {ideal: 90}, frameRate: {ideal: 10, max: 10}};
    if (people <= 4) return {width: {ideal: 640}, height: {ideal: 360}, frameRate: {ideal: 15, max: 15}};
    return {width: {ideal: 320}, height: {ideal: 180}, frameRate: {ideal: 12, max: 12}};
  }
  function people() { return Object.keys(peers).length + 1; }

  function tile(id, name, role) {
    var box = document.createElement("figure");
    box.className = "video-tile";
    box.dataset.peer = id;
    var video = document.createElement("video");
    video.autoplay = true; video.playsInline = true; video.muted = true;
    var caption = document.createElement("figcaption");
    box.appendChild(video); box.appendChild(caption);
    grid.appendChild(box);
    name_(box, name, role);
    grid.dataset.count = grid.children.length;
    return box;
  }
  function name_(box, name, role) {
    var label = {organiser: T.organiser, facilitator: T.facilitator, note_taker: T.noteTaker}[role];
    box.querySelector("figcaption").textContent = name + (label ? " (" + label + ")" : "");
  }

  function media(kind) {
    var picked = pickers[kind].value;
    if (kind === "audio") return picked ? {deviceId: {exact: picked}} : true;
    if (audioOnly) return false;
    var c = videoConstraints(people());
    if (picked) c.deviceId = {exact: picked};
    return c;
  }

  function fillPickers() {
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      ["video", "audio"].forEach(function (kind) {
        var select = pickers[kind], used = local && local.getTracks().filter(function (t) { return t.kind === kind; })[0];
        var current = used && used.getSettings ? used.getSettings().deviceId : select.value;
        select.textContent = "";
        devices.filter(function (d) { return d.kind === kind + "input"; }).forEach(function (d, i) {
          var option = new Option(d.label || (kind + " " + (i + 1)), d.deviceId);
          option.selected = d.deviceId === current;
          select.appendChild(option);
        });
      });
      document.getElementById("call-devices").hidden = false;
    }).catch(function () {});
  }

  /* Replace the local track of one kind (a new device, video back on) in every connection. */
  function replaceTrack(kind, track) {
    local.getTracks().filter(function (t) { return t.kind === kind; }).forEach(function (t) { t.stop(); local.removeTrack(t); });
    if (track) local.addTrack(track);
    Object.keys(peers).forEach(function (id) {
      var pc = peers[id].pc, replaced = false;
      pc.getTransceivers().forEach(function (tr) {
        if (!replaced && tr.receiver.track && tr.receiver.track.kind === kind) {
          replaced = true;
          tr.sender.replaceTrack(track).catch(function () {});
          if (track && tr.direction === "recvonly") tr.direction = "sendrecv";
        }
      });
      if (track && !replaced && peers[id].sending) pc.addTrack(track, local);
    });
    var own = grid.querySelector('[data-peer="self"] video');
    if (own) own.srcObject = local;
    if (kind === "audio") meter(local, grid.querySelector('[data-peer="self"]'));
  }

  function switchDevice(kind) {
    if (!local) return;
    var c = {}; c[kind] = media(kind);
    if (!c[kind]) return;
    navigator.mediaDevices.getUserMedia(c).then(function (stream) { replaceTrack(kind, stream.getTracks()[0]); })
      .catch(function () { say(T.noMedia); });
  }

  function setAudioOnly(on, weak) {
    if (!local || on === audioOnly) return;
    audioOnly = on;
    buttons.audioOnly.setAttribute("aria-pressed", on ? "true" : "false");
    buttons.audioOnly.textContent = on ? T.withVideo : T.audioOnly;
    buttons.camera.hidden = on;
    if (on) { replaceTrack("video", null); if (weak) say(T.weak); return; }
    switchDevice("video");
  }

  function constrainVideo() {
    if (!local) return;
    local.getVideoTracks().forEach(function (t) { t.applyConstraints(videoConstraints(people())).catch(function () {}); });
  }

  /* The speaking person: WebAudio levels of each stream's audio, every 200 ms. */
  function meter(stream, box) {
    if (!audioContext || !stream.getAudioTracks().length || !box) return;
    meters = meters.filter(function (m) { return m.box !== box; });
    var analyser = audioContext.createAnalyser();
    analyser.fftSize = 512;
    audioContext.createMediaStreamSource(new MediaStream(stream.getAudioTracks())).connect(analyser);
    meters.push({box: box, analyser: analyser, data: new Uint8Array(analyser.fftSize)});
  }
  function listen() {
    meters.forEach(function (m) {
      m.analyser.getByteTimeDomainData(m.data);
      var sum = 0;
      for (var i = 0; i < m.data.length; i++) { var v = (m.data[i] - 128) / 128; sum += v * v; }
      m.box.classList.toggle("speaking", Math.sqrt(sum / m.data.length) > 0.04);
    });
  }

  /* A weak connection (little bandwidth out, or much loss in) turns this side's video off. */
  function watchQuality() {
    if (audioOnly || weakNoticed) return;
    Object.keys(peers).forEach(function (id) {
      peers[id].pc.getStats().then(function (report) {
        var received = 0, lost = 0, bitrate = null;
        report.forEach(function (s) {
          if (s.type === "inbound-rtp") { received += s.packetsReceived || 0; lost += s.packetsLost || 0; }
          if (s.type === "candidate-pair" && s.nominated && s.availableOutgoingBitrate) bitrate = s.availableOutgoingBitrate;
        });
        var loss = received + lost > 200 ? lost / (received + lost) : 0;
        if ((bitrate !== null && bitrate < 100000) || loss > 0.15) { weakNoticed = true; setAudioOnly(true, true); }
      }).catch(function () {});
    });
  }

  function closePeer(id) {
    var p = peers[id];
    if (!p) return;
    delete peers[id];
    p.pc.close();
    meters = meters.filter(function (m) { return m.box !== p.box; });
    if (p.box.parentNode) p.box.parentNode.removeChild(p.box);
    grid.dataset.count = grid.children.length;
    constrainVideo();
  }

  function addLocal(p) {
    if (p.sending || !local) return;
    p.sending = true;
    local.getTracks().forEach(function (t) { p.pc.addTrack(t, local); });
  }

  function peerFor(id, name, role) {
    if (peers[id]) { name_(peers[id].box, name, role); return peers[id]; }
    var pc = new RTCPeerConnection(ice);
    var p = peers[id] = {id: id, pc: pc, polite: me > id, makingOffer: false, ignoreOffer: false, queue: Promise.resolve(),
      box: tile(id, name, role), sending: false};
    pc.onnegotiationneeded = function () {
      p.makingOffer = true;
      pc.setLocalDescription().then(function () {
        send({type: "call.signal", to: id, description: {type: pc.localDescription.type, sdp: pc.localDescription.sdp}});
      }).catch(function () {}).finally(function () { p.makingOffer = false; });
    };
    pc.onicecandidate = function (e) { if (e.candidate) send({type: "call.signal", to: id, candidate: e.candidate.toJSON()}); };
    pc.ontrack = function (e) {
      var stream = e.streams[0] || new MediaStream([e.track]);
      var video = p.box.querySelector("video");
      if (video.srcObject !== stream) video.srcObject = stream;
      if (e.track.kind === "audio") {
        var audio = p.box.querySelector("audio") || p.box.appendChild(document.createElement("audio"));
        audio.autoplay = true;
        audio.srcObject = new MediaStream([e.track]);
        meter(stream, p.box);
      }
    };
    pc.onconnectionstatechange = function () {
      p.box.dataset.state = pc.connectionState;
      if (pc.connectionState === "failed") pc.restartIce();
    };
    constrainVideo();
    return p;
  }

  function onSignal(msg) {
    if (!me || msg.from === me) return;
    var p = peerFor(msg.from, msg.name, msg.role), pc = p.pc;
    p.queue = p.queue.then(function () {
      if (msg.description) {
        var collision = msg.description.type === "offer" && (p.makingOffer || pc.signalingState !== "stable");
        p.ignoreOffer = !p.polite && collision;
        if (p.ignoreOffer) return null;
        return pc.setRemoteDescription(msg.description).then(function () {
          if (msg.description.type !== "offer") return null;
          addLocal(p); // after the offer: its transceivers carry our tracks too
          return pc.setLocalDescription().then(function () {
            send({type: "call.signal", to: msg.from, description: {type: pc.localDescription.type, sdp: pc.localDescription.sdp}});
          });
        });
      }
      return pc.addIceCandidate(msg.candidate.candidate ? msg.candidate : null).catch(function (e) { if (!p.ignoreOffer) throw e; });
    }).catch(function () {});
  }

  function showJoined(on) {
    buttons.join.hidden = on;
    ["mute", "camera", "audioOnly", "leave"].forEach(function (b) { buttons[b].hidden = !on; });
    if (on && audioOnly) buttons.camera.hidden = true;
  }

  function join() {
    if (local || joining) return;
    if (!global.RTCPeerConnection || !navigator.mediaDevices) { say(T.unsupported); return; }
    joining = true;
    say(T.joining);
    try { audioContext = audioContext || new (global.AudioContext || global.webkitAudioContext)(); } catch (e) { audioContext = null; }
    navigator.mediaDevices.getUserMedia({audio: media("audio"), video: media("video")}).then(function (stream) {
      local = stream;
      wanted = true; remember(true);
      var own = tile("self", T.you, "");
      own.classList.add("self");
      own.querySelector("video").srcObject = stream;
      meter(stream, own);
      showJoined(true);
      fillPickers();
      timers = [setInterval(listen, 200), setInterval(watchQuality, 5000)];
      send(joinMessage);
    }).catch(function () { say(T.noMedia); }).finally(function () { joining = false; });
  }

  function leave(forget) {
    if (local) send({type: "call.leave"});
    Object.keys(peers).forEach(closePeer);
    if (local) local.getTracks().forEach(function (t) { t.stop(); });
    local = null; me = null; wanted = false; meters = [];
    timers.forEach(clearInterval);
    grid.textContent = ""; grid.dataset.count = 0;
    if (forget) { remember(false); say(T.left); }
    showJoined(false);
  }

  document.addEventListener("wti:open", function () {
    // The page's websocket (re)connected: rejoin the call on it.
    if (local) send(joinMessage);
    else if (remembered() && !joining) join();
  });
  document.addEventListener("wti:live", function (e) {
    var data = e.detail;
    if (data.type === "call.ready") {
      Object.keys(peers).forEach(closePeer); // a new connection: the others start afresh with us
      me = data.peer; ice = data.ice;
      say(T.inCall);
    } else if (data.type === "call.join") {
      if (!me || data.from === me) return;
      closePeer(data.from); // they (re)joined: a fresh connection, offered from our side
      addLocal(peerFor(data.from, data.name, data.role));
    } else if (data.type === "call.signal") {
      onSignal(data);
    } else if (data.type === "call.leave") {
      closePeer(data.from);
    } else if (data.type === "call.ended") {
      Object.keys(peers).forEach(closePeer);
    } else if (data.type === "error" && local && !me) {
      // The call refused us (the rooms closed, a room too large for it): say why, stop the camera.
      leave(true);
      say(data.message);
    }
  });

  buttons.join.addEventListener("click", join);
  buttons.leave.addEventListener("click", function () { leave(true); });
  buttons.mute.addEventListener("click", function () {
    if (!local) return;
    var muted = buttons.mute.getAttribute("aria-pressed") !== "true";
    local.getAudioTracks().forEach(function (t) { t.enabled = !muted; });
    buttons.mute.setAttribute("aria-pressed", muted ? "true" : "false");
    buttons.mute.textContent = muted ? T.unmute : T.mute;
  });
  buttons.camera.addEventListener("click", function () {
    if (!local) return;
    var off = buttons.camera.getAttribute("aria-pressed") !== "true";
    local.getVideoTracks().forEach(function (t) { t.enabled = !off; });
    buttons.camera.setAttribute("aria-pressed", off ? "true" : "false");
    buttons.camera.textContent = off ? T.cameraOn : T.cameraOff;
  });
  buttons.audioOnly.addEventListener("click", function () { weakNoticed = true; setAudioOnly(!audioOnly, false); });
  pickers.video.addEventListener("change", function () { switchDevice("video"); });
  pickers.audio.addEventListener("change", function () { switchDevice("audio"); });
  global.addEventListener("pagehide", function () { leave(false); });

  global.WTIVideoCall = {
    me: function () { return me; },
    active: function () { return local !== null; },
    peers: function () { return Object.keys(peers); },
    connections: function () { return Object.keys(peers).map(function (id) { return peers[id].pc; }); },
    /* Per peer: video frames decoded, bytes received, and the kind of the local candidate in use. */
    stats: function () {
      return Promise.all(Object.keys(peers).map(function (id) {
        return peers[id].pc.getStats().then(function (report) {
          var out = {peer: id, framesDecoded: 0, bytesReceived: 0, candidateType: null, state: peers[id].pc.connectionState};
          var pairs = [], candidates = {};
          report.forEach(function (s) {
            if (s.type === "inbound-rtp" && s.kind === "video") { out.framesDecoded += s.framesDecoded || 0; out.bytesReceived += s.bytesReceived || 0; }
            if (s.type === "candidate-pair" && s.state === "succeeded") pairs.push(s);
            if (s.type === "local-candidate") candidates[s.id] = s.candidateType;
          });
          if (pairs.length) out.candidateType = candidates[pairs[0].localCandidateId] || null;
          return out;
        });
      }));
    }
  };
})(window);
