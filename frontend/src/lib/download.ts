// Saving a file fetched with a header (a secret or the host key), which a
// plain link cannot send: the body becomes a Blob and a temporary link
// downloads it.
import type { Download } from './api';

export function saveFile(d: Download) {
  const url = URL.createObjectURL(d.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = d.filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
