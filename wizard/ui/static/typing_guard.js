// Typed text that is not yet committed must not be lost (issue 9, item 11).
//
// Streamlit 1.67 sends a text area's value only on blur or Ctrl+Enter. This script, run once per page:
//  1. commits a text area after a pause in typing, by sending it the Ctrl+Enter that Streamlit listens for
//     (the focus and the caret stay where they are, so the officer can go on typing);
//  2. asks the browser to warn before the page is left (reload, closed tab, typed address) while a field
//     holds text that was not sent: typed into, and neither left (a blur commits) nor paused on since.
// Text inputs commit themselves after the same pause (``live``), so only text areas need step 1.
// It reads and writes nothing but the page itself: no request, no storage.
export default function () {
  if (window.__wizardTypingGuard) return; // one guard per page, however many reruns and page switches
  window.__wizardTypingGuard = true;
  const PAUSE_MS = __PAUSE_MS__;
  const timers = new Map(); // field -> pending commit: a field typed into and not yet sent
  const composing = new Set(); // fields where an IME is composing a word: never committed mid-word

  const commit = (el) => {
    timers.delete(el);
    if (!(el instanceof HTMLTextAreaElement)) return; // a text input has committed itself (live)
    if (!el.isConnected || document.activeElement !== el) return; // a blur has committed it already
    if (composing.has(el)) return; // compositionend starts a new pause
    el.dispatchEvent(new KeyboardEvent("keydown", {
      key: "Enter", code: "Enter", keyCode: 13, which: 13, ctrlKey: true, metaKey: true,
      bubbles: true, cancelable: true,
    }));
  };
  const typed = (e) => {
    const el = e.target;
    const text = el instanceof HTMLTextAreaElement || (el instanceof HTMLInputElement && el.type === "text");
    if (!text || e.isComposing) return; // an IME is still composing a word: its compositionend follows
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(() => commit(el), PAUSE_MS));
  };
  document.addEventListener("input", typed, true);
  document.addEventListener("compositionstart", (e) => { // a pause that began before the word is cancelled
    composing.add(e.target);
    clearTimeout(timers.get(e.target));
  }, true);
  document.addEventListener("compositionend", (e) => { // Chinese typed with an IME ends here
    composing.delete(e.target);
    typed(e);
  }, true);
  document.addEventListener("focusout", (e) => { // leaving the field commits it: no timer needed
    clearTimeout(timers.get(e.target));
    timers.delete(e.target);
    composing.delete(e.target);
  }, true);

  window.addEventListener("beforeunload", (e) => {
    if (timers.size === 0) return;
    e.preventDefault();
    e.returnValue = ""; // older browsers need a value to show their "leave the page?" question
  });
}
