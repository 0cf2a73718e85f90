// Camera scanning for the check-in page: the browser's own BarcodeDetector where it has
// one (Chrome on Android, macOS), else the vendored ZXing library on canvas frames, loaded
// only when the camera is switched on. Needs HTTPS or localhost.
const INTERVAL_MS = 180;
const MAX_SIDE = 800;
const state = {stream: null, timer: null, busy: false, decode: null, video: null};

function loadScript(src) {
  return new Promise(function (resolve, reject) {
    if (window.ZXing) { resolve(); return; }
    var script = document.createElement("script");
    script.src = src;
    script.onload = function () { resolve(); };
    script.onerror = function () { reject(new Error("LoadError")); };
    document.head.appendChild(script);
  });
}

function zxingDecoder(video, zxingUrl) {
  return loadScript(zxingUrl).then(function () {
    var ZX = window.ZXing;
    var reader = new ZX.QRCodeReader();
    var canvas = document.createElement("canvas");
    var ctx = canvas.getContext("2d", {willReadFrequently: true});
    var decode = function () {
      var w = video.videoWidth, h = video.videoHeight;
      if (!w || !h) { return Promise.resolve(null); }
      var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
      var cw = Math.round(w * scale), ch = Math.round(h * scale);
      if (canvas.width !== cw) { canvas.width = cw; }
      if (canvas.height !== ch) { canvas.height = ch; }
      ctx.drawImage(video, 0, 0, cw, ch);
      var rgba = ctx.getImageData(0, 0, cw, ch).data;
      var lum = new Uint8ClampedArray(cw * ch);
      for (var i = 0, j = 0; i < lum.length; i++, j += 4) {
        lum[i] = (rgba[j] * 77 + rgba[j + 1] * 150 + rgba[j + 2] * 29) >> 8;
      }
      try {
        var source = new ZX.RGBLuminanceSource(lum, cw, ch);
        var bitmap = new ZX.BinaryBitmap(new ZX.HybridBinarizer(source));
        return Promise.resolve(reader.decode(bitmap).getText());
      } catch (notFound) {  // NotFound / Checksum / Format: no readable code in this frame
        return Promise.resolve(null);
      }
    };
    decode.engine = "zxing";
    return decode;
  });
}

function makeDecoder(video, zxingUrl) {
  if (!("BarcodeDetector" in window)) { return zxingDecoder(video, zxingUrl); }
  return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
    if (formats.indexOf("qr_code") < 0) { return zxingDecoder(video, zxingUrl); }
    var detector = new window.BarcodeDetector({formats: ["qr_code"]});
    var decode = function () {
      return detector.detect(video).then(function (found) {
        return found.length ? found[0].rawValue : null;
      });
    };
    decode.engine = "native";
    return decode;
  }, function () { return zxingDecoder(video, zxingUrl); });
}

/** Why the camera did not open, by the browser's error name, in the staff's words. */
var CAMERA_REFUSALS = {
  NotAllowedError: "chưa cho phép dùng camera (bấm biểu tượng ổ khóa cạnh địa chỉ trang để cho phép).",
  NotFoundError: "máy này không có camera.",
  NotReadableError: "camera đang được ứng dụng khác dùng; hãy đóng ứng dụng đó rồi thử lại.",
  OverconstrainedError: "camera của máy không dùng được cho việc quét.",
  LoadError: "không tải được phần đọc mã QR; hãy tải lại trang."
};

function tick(onCode) {
  if (state.busy || !state.decode) { return; }
  state.busy = true;
  state.decode().then(function (text) {
    state.busy = false;
    if (text) { onCode(text); }
  }, function () { state.busy = false; });
}

/** Open the back camera into ``video`` and call ``onCode(text)`` for each code read;
 *  ``onMessage(text, isError)`` reports progress. Resolves true once scanning. */
export function start(video, onCode, onMessage, zxingUrl) {
  if (state.stream) { return Promise.resolve(true); }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    onMessage(window.isSecureContext ? "Trình duyệt này không cho dùng camera."
      : "Camera chỉ dùng được khi trang mở bằng địa chỉ bắt đầu bằng https://. " +
        "Hãy dùng máy quét hoặc tìm tên.", true);
    return Promise.resolve(false);
  }
  onMessage("Đang mở camera…");
  state.video = video;
  return navigator.mediaDevices.getUserMedia({
    video: {facingMode: {ideal: "environment"}, width: {ideal: 1280}, height: {ideal: 720}},
    audio: false
  }).then(function (stream) {
    state.stream = stream;
    video.srcObject = stream;
    return video.play();
  }).then(function () {
    return makeDecoder(video, zxingUrl);
  }).then(function (decode) {
    state.decode = decode;
    state.timer = window.setInterval(function () { tick(onCode); }, INTERVAL_MS);
    // Which reader is in use is for the tests (data-camera-engine), not for the staff.
    onMessage("Đang quét: đưa mã QR vào khung hình.");
    document.body.setAttribute("data-camera-engine", decode.engine);
    return true;
  }).catch(function (error) {
    stop();
    // The browser's own messages are English and technical: say what to do instead.
    var reason = CAMERA_REFUSALS[error && (error.name === "Error" ? error.message : error.name)]
      || "hãy tải lại trang và thử lại, hoặc dùng máy quét hay tìm tên.";
    onMessage("Không mở được camera: " + reason, true);
    return false;
  });
}

export function stop() {
  if (state.timer) { window.clearInterval(state.timer); }
  if (state.stream) { state.stream.getTracks().forEach(function (t) { t.stop(); }); }
  if (state.video) { state.video.srcObject = null; }
  state.timer = null; state.stream = null; state.decode = null; state.busy = false;
}

export function running() { return !!state.stream; }
