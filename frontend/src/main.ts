// The web app's one entry. The participant page is loaded at once and
// kept small; the facilitator console and the projector view are loaded
// only on their own routes.
import './app.css';
import { mount } from 'svelte';
import ParticipantApp from './participant/ParticipantApp.svelte';

const target = document.getElementById('app')!;
const path = window.location.pathname;

async function start() {
  if (path === '/host' || path.startsWith('/host/')) {
    const { default: HostApp } = await import('./host/HostApp.svelte');
    mount(HostApp, { target });
  } else if (path.startsWith('/screen/')) {
    const { default: ScreenApp } = await import('./screen/ScreenApp.svelte');
    mount(ScreenApp, { target });
  } else {
    mount(ParticipantApp, { target });
  }
}

start();
