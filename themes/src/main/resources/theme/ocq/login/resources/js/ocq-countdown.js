// The 获取验证码 button's live countdown. The server enforces the wait anyway; this only shows it.
const button = document.getElementById("ocq-resend");
if (button) {
  let left = parseInt(button.dataset.ocqCountdown || "0", 10);
  const label = button.dataset.ocqLabel;
  const waitLabel = button.dataset.ocqWaitLabel;
  const render = () => {
    if (left > 0) {
      button.disabled = true;
      button.textContent = waitLabel.replace("{0}", String(left));
    } else {
      button.disabled = false;
      button.textContent = label;
    }
  };
  render();
  if (left > 0) {
    const timer = setInterval(() => {
      left -= 1;
      render();
      if (left <= 0) {
        clearInterval(timer);
      }
    }, 1000);
  }
}
