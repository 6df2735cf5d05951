// The parts of the phone's page loaded only when needed, so that the
// page opens with little JavaScript (scripts/size.mjs): the entry keeps
// joining, the room and votes (the most common exercise); retro, help,
// kudos and what an ended room keeps come in chunks of their own,
// fetched ahead once the phone is in a room and idle (Room.svelte).
import { LazyPart } from '../lib/lazy.svelte';

export const retro = new LazyPart(() => import('./RetroExercise.svelte'));
export const help = new LazyPart(() => import('./HelpExercise.svelte'));
export const kudos = new LazyPart(() => import('./KudosExercise.svelte'));
export const keepsakes = new LazyPart(() => import('./EndedKeepsakes.svelte'));

export const lazyParts: LazyPart<unknown>[] = [retro, help, kudos, keepsakes];
