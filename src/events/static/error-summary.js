// Moves the keyboard focus to a form's error summary, so that screen readers announce it first.
document.getElementById("error-summary")?.focus();
