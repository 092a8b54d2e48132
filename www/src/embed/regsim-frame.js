// regsim-frame.js: fits the iframes of regsim figures (embed.html) to their height. Include it
// once on a page that has such frames; it listens for their {type:'regsim:resize', height}
// messages and sets the height of the frame that sent one (only when the message comes from the
// origin of that frame's src).

const MAX_HEIGHT = 20000;

addEventListener('message', (e) => {
  const m = e.data;
  if (m === null || typeof m !== 'object' || m.type !== 'regsim:resize') return;
  if (typeof m.height !== 'number' || !(m.height > 0 && m.height <= MAX_HEIGHT)) return;
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentWindow !== e.source) continue;
    let origin = null;
    try {
      origin = new URL(frame.src, location.href).origin;
    } catch {
      return;
    }
    if (origin === e.origin) frame.style.height = `${Math.ceil(m.height)}px`;
    return;
  }
});
