// The language menu of every OCQ screen: going to the chosen language's page, without an inline
// handler in the markup (SECURITY.md rule 19).
const select = document.getElementById("login-select-toggle");
if (select) {
  select.addEventListener("change", () => {
    if (select.value) {
      window.location.href = select.value;
    }
  });
}
