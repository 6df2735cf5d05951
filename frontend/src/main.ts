// The web app's one entry. The participant page is loaded at once and
// kept small (its retro, help, kudos and ended-room parts come later:
// participant/lazyparts.ts); the facilitator console, the projector view
// and the trainer's pages (pack library, past sessions, comparison) are
// loaded only on their own routes.
import './app.css';
import { mount } from 'svelte';
import ParticipantApp from './participant/ParticipantApp.svelte';
import { watchPastes } from './lib/pastecut';

const target = document.getElementById('app')!;
const path = window.location.pathname;
const projector = path.startsWith('/screen/');

// The projector stays light (app.css: the dark scheme is :root:not(.projector)).
// Marked here, as this entry runs, not by ScreenApp once its chunk has
// come: a laptop in dark mode showed the projector's page dark until then.
if (projector) document.documentElement.classList.add('projector');

async function start() {
  if (path === '/host' || path.startsWith('/host/')) {
    const { default: HostApp } = await import('./host/HostApp.svelte');
    mount(HostApp, { target });
  } else if (/^\/(library|sessions|compare)(\/|$)/.test(path)) {
    const { default: TrainerApp } = await import('./trainer/TrainerApp.svelte');
    mount(TrainerApp, { target });
  } else if (projector) {
    const { default: ScreenApp } = await import('./screen/ScreenApp.svelte');
    mount(ScreenApp, { target });
  } else {
    mount(ParticipantApp, { target });
  }
}

// Every field with a maxlength says when it cut a pasted text, on every page.
watchPastes();
start();
