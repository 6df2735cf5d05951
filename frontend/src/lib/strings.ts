// Every user-facing string of the participant page and the projector,
// ready for translation (a translation is another object of the same
// shape); the console's and the trainer's extend them in
// strings-console.ts.

import type { Kind } from './types';

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The start of a long text, to name what it is: cut between words. */
const short = (text: string, max = 40) => {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).trimEnd() + '…';
};

export const en = {
  app: 'Huddle',
  loading: 'Loading…',
  close: 'Close',
  cancel: 'Cancel',
  save: 'Save',
  send: 'Send',
  sending: 'Sending…',
  sent: 'Sent',
  edit: 'Edit',
  delete: 'Delete',
  remove: 'Remove',
  add: 'Add',
  yes: 'Yes',
  no: 'No',
  optional: '(optional)',
  copy: 'Copy link',
  copied: 'Copied',
  copyFailed: 'Select the link and copy it',
  back: 'Back',
  // Next to a field whose maxlength cut a pasted text (lib/pastecut.ts).
  pasteCut: (kept: number, left: number) =>
    kept ? `Pasted text was cut to ${plural(kept, 'character', 'characters')} (${left} left out).` : 'This field is full: the pasted text was left out.',

  // Connection
  conn: {
    online: 'Connected',
    connecting: 'Connecting…',
    reconnecting: 'Reconnecting… your answers are kept and will be sent',
    stopped: 'Disconnected',
    /** Answers, retro cards, help requests, kudos: said of all alike. */
    pending: (n: number) => `${plural(n, 'thing', 'things')} waiting to be sent`,
    /** The facilitator's console: what it sends is steps, not answers. */
    reconnectingConsole: 'Reconnecting… your changes are kept and will be sent',
    pendingConsole: (n: number) => `${plural(n, 'change', 'changes')} waiting to be sent`,
    /** The projector sends nothing. */
    reconnectingScreen: 'Reconnecting…',
    /** Connect now, not after the wait between tries. */
    tryNow: 'Try now',
    trying: 'Trying…',
  },

  // Home and join
  home: {
    title: 'Join a workshop',
    lead: 'Type the code shown on the screen.',
    code: 'Room code',
    codeHint: '6 letters and digits, for example K7QX2M',
    name: 'Your name',
    nameHint: 'Leave it empty to stay unnamed.',
    // Who sees the name, said once the room is known (its showNames).
    namesSeen: (shown: boolean) => (shown ? 'In this room people see each other’s names.' : 'In this room only the facilitator sees the list of names.'),
    joiningRoom: (title: string, code: string) => (title ? `You are joining “${title}” (code ${code}).` : `You are joining room ${code}.`),
    join: 'Join',
    joining: 'Joining…',
    host: 'Run a workshop',
    hostLead: 'Facilitating? Create a room and show its code.',
    badCode: 'A room code has 6 letters and digits.',
    // Join refused by a locked room: pressing Join again is the next step.
    lockedTryAgain: 'This room is not accepting new people right now. Try again in a moment.',
    // The locked room the page waits on was unlocked.
    reopened: 'This room is open to new people now: press Join.',
    // Join refused by a full room: the next step (the page then watches
    // for a place, and says so with roomNow), and the button to retry.
    fullTryAgain: 'This room is full. Ask the facilitator to make room; this page will tell you when there is.',
    tryAgain: 'Try again',
    // The full room the page waits on has a place again.
    roomNow: 'There is room now: press Join.',
  },

  // Participant
  part: {
    waiting: 'Waiting for the facilitator to start an exercise.',
    // The agenda's next title, so people know what is coming; when it
    // opens is the facilitator's call, so no promise of a moment.
    waitingPrepared: (title: string) => `Next up: “${title}”`,
    waitingOpens: 'The facilitator will open it.',
    closed: 'This exercise is closed. Thank you!',
    closedResults: 'Voting has closed. The results are below.',
    closedHidden: 'Voting has closed. The results will be shown when the facilitator is ready.',
    closedTooFew: (min: number) => `Voting has closed with too few answers to show the results: at least ${min} are needed. The facilitator may open voting again.`,
    missed: (title: string, why: string) => `What you sent to ${title ? `“${title}”` : 'the last exercise'} was not taken: ${why}`,
    missedRestored: (title: string, why: string, maybe = false) =>
      `${title ? `What you sent to “${title}”` : 'Something you sent'} before the page reloaded ${maybe ? 'may not have been' : 'was not'} taken: ${why}`,
    dismiss: 'OK',
    // The vote closed before the answer reached it (wrong_status: sent
    // offline, say): said once, not as "now closed" and "not open" both.
    notCountedClosed: 'Your answer was not counted: voting had closed before it arrived.',
    notCounted: (why: string) => `Your answer was not counted. ${why} Voting has now closed.`,
    anonymous: 'Anonymous: nobody, not even the facilitator, can see what you answered.',
    named: 'Not anonymous: the facilitator sees your name with your answer.',
    namesShown: 'Your name is shown with what you write.',
    namesHidden: 'Anonymous: your name is not shown with what you write.',
    youAre: (name: string) => (name ? `You are ${name}` : 'You have no name here'),
    rename: 'Change name',
    removed: 'The facilitator removed you from this room.',
    ended: 'This workshop has ended. Thank you for taking part!',
    /** Under "ended": what this phone was shown, to keep. */
    kudosForYou: 'Kudos for you',
    joinAnother: 'Join another room',
    badToken: 'This room is no longer available.',
    // Close 4006: the same person opened the room once too often
    // elsewhere, and this page was their oldest (lib/client.ts). Its
    // token is kept in this browser only: "another tab or window", as
    // the console and the projector say it, and errors.replaced.
    replaced: 'This room is open in another tab or window, so it has stopped here.',
    useHere: 'Use it here',
    answered: 'Your answer was received.',
    answeredElsewhere: 'You have answered already, on another page.',
    changeAnswer: 'Change my answer',
    submit: 'Send answer',
    results: 'Results',
    resultsHidden: (min: number) => `Results appear once ${min} people have answered and the facilitator shows them.`,
    responses: (n: number) => plural(n, 'answer', 'answers'),
    timeLeft: 'Time left',
    timeUp: "Time's up",
    chooseUpTo: (n: number) => (n === 1 ? 'Choose one.' : `Choose up to ${n}.`),
    words: (n: number) => (n === 1 ? 'Add a word or short phrase.' : `Add up to ${n} words or short phrases.`),
    word: (i: number) => `Word ${i}`,
    yourText: 'Your answer',
    /** In a phone's results, by what that phone answered. */
    yours: 'Your answer',
    yoursUnderlined: 'Underlined: your answer',
    question: (i: number, n: number) => `Question ${i} of ${n}`,
    unanswered: (which: string[]) => `Not answered yet: ${which.join(', ')}.`,
    unansweredQ: (i: number) => `question ${i}`,
    unansweredFinal: 'Once sent, your answers cannot be changed.',
    sendAnyway: 'Send anyway',
    goBack: 'Go back to answer',
    /** A part of the page fetched when needed (participant/Lazy.svelte) could not be. */
    lazyFailed: 'This part of the page could not load. Trying again… If it does not come, reload the page.',
    /** Offered with lazyFailed once an attempt failed online: the browser may not fetch it again. */
    reload: 'Reload the page',
    /** Said aloud when the facilitator opens an exercise or moves to another. */
    nowShown: (kind: string, title: string, open: boolean) => `${open ? 'Now open' : 'Now shown'}: ${kind} “${title}”`,
    /** Every kind's name, the console's too (strings-console.ts) and the reports' (exercises/export.go). */
    kinds: {
      poll: 'Poll', scale: 'Scale', survey: 'Pulse survey', words: 'Word cloud', text: 'Open text',
      retro: 'Retrospective', help: '"Can you help me?" board', kudos: 'Kudos wall',
    } as Record<Kind, string>,
  },

  // Retrospective
  retro: {
    phases: {
      write: 'Write',
      reveal: 'Reveal',
      group: 'Group',
      vote: 'Vote',
      discuss: 'Discuss',
      actions: 'Actions',
    } as Record<string, string>,
    phaseHelp: {
      write: 'Write cards. Only you see yours until they are revealed.',
      reveal: 'Every card is shown. You can still add cards.',
      group: 'Similar cards are put together.',
      vote: 'Place your dots on what matters most.',
      discuss: 'The team talks through the items, most dots first.',
      actions: 'Agree on action items.',
    } as Record<string, string>,
    // The console's words for each phase: to the facilitator, who runs it.
    hostPhaseHelp: {
      write: 'People are writing cards; only each writer sees theirs until you reveal them.',
      reveal: 'Every card is on the board. People can still add cards.',
      group: 'Put similar cards together: select them, then group them.',
      vote: 'People are placing their dots. The totals stay hidden until the discussion.',
      discuss: 'Talk the items through, most dots first. “Discuss this” shows everyone the one you are on.',
      actions: 'Agree on action items, each with an owner and a due date if you like.',
    } as Record<string, string>,
    confirmVoteAgain: (n: number, phase: string) =>
      `Going back to ${phase} clears the ${plural(n, 'dot', 'dots')} placed so far. When the board comes back to Vote, everyone votes again. Go back?`,
    cardWaiting: 'Waiting to be sent',
    column: 'Column',
    card: 'Card text',
    addCard: 'Add card',
    myCards: 'My cards',
    noCards: 'No cards yet.',
    dotsLeft: (n: number) => `${plural(n, 'dot', 'dots')} left`,
    allPlaced: (n: number) => `You have placed ${n === 1 ? 'your dot' : `all ${n} dots`}: take one back (−) to place it elsewhere.`,
    maxOnItem: (n: number) => `At most ${plural(n, 'dot', 'dots')} on one item.`,
    placeDot: (what: string) => `Place a dot on ${what}`,
    takeDot: (what: string) => `Take a dot back from ${what}`,
    dots: (n: number) => plural(n, 'dot', 'dots'),
    confirmDeleteDots: (n: number, text: string) =>
      `“${text}” holds ${plural(n, 'dot', 'dots')} from the vote. Deleting it takes ${n === 1 ? 'that dot' : 'them'} off the ranking. Delete it?`,
    confirmDeleteMaybeDots: (text: string) => `“${text}” may hold dots from the vote, which go with it. Delete it?`,
    dotSending: (delta: 1 | -1) => (delta === 1 ? 'A dot being placed here, not yet taken' : 'A dot being taken back from here'),
    focus: 'Now discussing',
    columnLabel: (n: number) => (n === 1 ? 'Column: ' : 'Columns: '),
    columnTag: (titles: string[]) => titles.join(' + '),
    actions: 'Action items',
    action: 'Action',
    owner: 'Owner',
    due: 'Due date',
    addAction: 'Add action',
    actionMissing: 'Type the action first (the owner and due date are optional).',
    cardMissing: 'Type your card first.',
    noActions: 'No action items yet.',
    done: 'Done',
    group: 'Group',
    groupWith: 'Put in a group with…',
    newGroup: 'Group selected cards',
    ungroup: 'Take out of group',
    addToGroup: (n: number) => `Add selected (${n}) here`,
    groupTitle: 'Group name',
    rename: 'Rename',
    cardsHidden: (n: number) => `${plural(n, 'card', 'cards')} written so far. They are revealed together.`,
    writeOnPhone: 'Write your cards on your phone',
    // The projector in the vote: what each person has to place.
    voteOnPhone: (dots: number, perItem: number) =>
      `Place your dots on your phone: ${plural(dots, 'dot', 'dots')} each${perItem < dots ? `, at most ${perItem} on one item` : ''}`,
    dotsPlaced: (n: number) => `${plural(n, 'dot', 'dots')} placed so far`,
    dotsPlacedOf: (n: number, here: number, each: number) =>
      `${plural(n, 'dot', 'dots')} placed so far, of ${here * each} for the ${plural(here, 'person', 'people')} here (${each} each)`,
    setFocus: 'Discuss this',
    clearFocus: 'Clear focus',
    prevPhase: 'Previous phase',
    nextPhase: (p: string) => `Next: ${p}`,
    select: (text: string) => `Select card: ${text}`,
    // Said once a send is taken (SendStatus).
    cardAdded: 'Card added.',
    actionAdded: 'Action added.',
  },

  // Help board
  help: {
    ask: 'Ask for help',
    askTitle: 'What do you need help with?',
    detail: 'Details',
    tags: 'Tags',
    tagsHint: 'Comma separated, e.g. testing, go',
    anonymousAsk: 'Ask anonymously (your name is not shown)',
    post: 'Post request',
    offer: 'Offer help',
    helper: 'Helper',
    offerMessage: 'How can you help?',
    sendOffer: 'Send offer',
    offered: 'You offered help',
    offeredOther: 'You offered help. Another offer was accepted; the person who asked may still accept yours too.',
    offeredResolved: 'You offered help; this request is resolved.',
    acceptMore: 'You can accept more than one offer.',
    accept: 'Accept this offer',
    accepted: 'Accepted',
    step: 'Next step',
    stepHint: 'What will you do, and when?',
    saveStep: 'Save next step',
    editStep: 'Edit the next step',
    resolve: 'Mark resolved',
    withdraw: 'Withdraw',
    yours: 'Your request',
    pairedWith: (name: string) => `You are paired with ${name || 'someone'}`,
    helpingWith: (name: string) => `You are helping ${name || 'someone'}`,
    anon: 'Anonymous',
    status: { open: 'Open', matched: 'Matched', resolved: 'Resolved' } as Record<string, string>,
    counts: (o: number, m: number, r: number) => `${o} open · ${m} matched · ${r} resolved`,
    none: 'No requests yet.',
    offers: (n: number) => plural(n, 'offer', 'offers'),
    namedNotice: 'Offers of help carry your name, so the person can find you.',
    posted: 'Request posted.',
    /** The ended room's keepsakes: the help pairs one is part of. */
    keptPairs: 'Your help pairings',
  },

  // Kudos
  kudos: {
    to: 'To',
    team: 'The whole team',
    /** A kept kudo's recipient who can no longer be chosen: choose again. */
    chooseTo: 'Choose who it is for',
    message: 'Message',
    anonymous: 'Send anonymously',
    send: 'Send kudos',
    wall: 'Kudos wall',
    none: 'No kudos yet. Be the first!',
    // A no-break space, as a name and its number have (people.tagged):
    // "from" (and "To") never ends one line with the name at the start of
    // the next.
    from: (name: string) => `from\u00a0${name || 'someone'}`,
    fromAnon: 'anonymous',
    toName: (name: string) => `To\u00a0${name || 'someone'}`,
    toTeam: 'To the whole team',
    hide: 'Hide',
    unhide: 'Show again',
    hidden: 'Hidden',
    namesOnlyTeam: 'This room does not show who is here, so kudos go to the whole team.',
    sent: 'Kudos sent.',
  },

  // Facilitator console: what the shared components (results, help
  // board) and the projector say of it. The rest is in strings-console.ts,
  // loaded with the console and the trainer's pages, never by a phone.
  host: {
    qrAlt: (code: string) => `QR code to join room ${code}`,
    unnamed: 'Unnamed participant',
    hideText: 'Hide',
    showText: 'Show',
    moderateWords: 'Hide a word',
    wordsHidden: (n: number) => `${plural(n, 'word', 'words')} hidden`,
    phase: 'Phase',
    noKudos: 'No kudos yet. They show here as people send them from their phones.',
  },

  // Projector
  screen: {
    joinAt: 'Join at',
    withCode: 'with code',
    scan: 'Scan to join',
    // The projector while the facilitator has locked joining: no QR code or join code.
    joiningClosed: 'Joining is closed',
    people: (n: number) => `${plural(n, 'person', 'people')} here`,
    waiting: 'Get your phone ready',
    answered: (n: number) => `${plural(n, 'answer', 'answers')} so far`,
    answeredClosed: (n: number) => `Voting has closed: ${plural(n, 'answer', 'answers')}.`,
    resultsSoon: 'Results will be shown when the facilitator is ready.',
    mean: 'Mean',
    median: 'Median',
    // The projector's kudos wall and help board too long for the screen,
    // shown page by page: which page is up.
    pageOf: (n: number, of: number) => `Page ${n} of ${of}`,
    // The projector's survey, cut: what it hides.
    moreQuestions: (n: number) => `+${plural(n, 'more question', 'more questions')}`,
    moreAnswers: (n: number) => `+${plural(n, 'more answer', 'more answers')}`,
    moreWords: (n: number) => `+${plural(n, 'more word', 'more words')}`,
    // A retro's two lists on the projector: each says which it cut.
    moreActions: (n: number) => `+${plural(n, 'more action item', 'more action items')}`,
    moreVoted: (n: number) => `+${plural(n, 'more voted item', 'more voted items')}`,
    moreItems: (n: number) => `+${plural(n, 'more item', 'more items')}`,
    // A retro column on the projector, cut: what it hides.
    moreInColumn: (groups: number, cards: number) =>
      groups && cards ? `+${groups + cards} more (${plural(groups, 'group', 'groups')}, ${plural(cards, 'card', 'cards')})`
        : groups ? `+${plural(groups, 'more group', 'more groups')}` : `+${plural(cards, 'more card', 'more cards')}`,
    questionHidden: (n: number, min: number) => `${n} answered this question: its results show once ${min} have.`,
    questionHiddenFew: (min: number) => `Fewer than ${min} answered this question: its results show once ${min} have.`,
    /** A survey's question that fewer answered than the whole survey (its bars are shares of these). */
    questionAnswered: (n: number) => `(${n} answered)`,
    needSecret: 'Open the projector view from the facilitator console in this browser, or with a projector link from it.',
    linkRevoked: 'This projector link no longer works: the facilitator made a new one or stopped it. Ask them for the new link.',
    ended: 'This workshop has ended. Thank you for taking part!',
    gone: 'This room is no longer available.',
    replaced: 'This projector view is open in another tab or window, so it has stopped here.',
    pageTitle: (title: string) => `${title} · Projector`,
  },

  // Errors, by code (docs/protocol.md section 8 and the exercises).
  errors: {
    network: 'No connection. Check your network and try again.',
    not_found: 'That is no longer there: it may have been removed or withdrawn.',
    no_room: 'There is no room with that code. Check the code and try again.',
    room_locked: 'This room is not accepting new people right now.',
    room_full: 'This room is full.',
    room_ended: 'This workshop has ended.',
    removed: 'You were removed from this room.',
    too_long: 'That is too long. Please shorten it.',
    invalid: 'That was not accepted. Please check it.',
    // The server's words say which board and what can be done next; these
    // only when it sends none.
    board_full: 'This board is full.',
    rate_limited: 'Too many at once. Trying again…',
    already_answered: 'You have answered already.',
    has_answers: 'People have answered already: this change would alter what their answers mean. Add a new exercise instead.',
    wrong_status: 'This exercise is not open right now.',
    wrong_phase: 'That is not possible in this phase.',
    too_few_responses: 'Not enough answers yet to show results.',
    no_dots_left: 'No dots left for that.',
    not_yours: 'Only its author can do that.',
    forbidden: 'You are not allowed to do that.',
    bad_token: 'Your session expired. Please join again.',
    stopped: 'Not connected. Reload the page to try again.',
    replaced: 'This room is open in another tab or window. Choose “Use it here” to carry on here.',
    too_many_rooms: 'This server holds as many rooms as it can. Try again later.',
    host_key: 'This server needs its host key for that.',
    local_only: 'This server has no host key, so its pack library and past sessions open only on the computer it runs on. Open this page there, or ask whoever runs the server to set a host key (HUDDLE_HOST_KEY).',
    conflict: 'Someone else changed this at the same time. Reload and try again.',
    unavailable: 'The server is not available right now. Please try again in a moment.',
    internal: 'Something went wrong on the server. Please try again.',
    bad_message: 'This page sent something the server did not understand. Reload the page.',
    unknown_type: 'This page is older than the server. Reload the page.',
    too_many_clients: 'The server is full right now. Try again in a moment.',
    body_timeout: 'The network was too slow to send this. Please try again.',
    ended: 'This workshop has ended.',
    rejoined: 'The room had lost you, so you joined it again: please send this again.',
    unsent: 'This could not be sent again after the connection dropped (it is now over the server\'s size limit). It may not have been taken: please check, and shorten it if you send it again.',
    unknown: 'Something went wrong. Please try again.',
  } as Record<string, string>,
  kept: 'What you typed is kept.',

  // People of the same name told apart in lists (lib/names.ts).
  people: {
    // A no-break space: "— Sam" and "#1215" broke onto two lines on the
    // projector and the phone, the number read as no one's.
    tagged: (name: string, tag: string) => `${name}\u00a0#${tag}`,
    /** To a participant whose name someone else has too. */
    youToo: (label: string) => `Someone else here has the same name as you: others see you as ${label}.`,
  },

  // What a phone says of changes made under it (the facilitator closing or
  // opening an exercise again, an offer of help coming in), and a scale's
  // end labels as part of its first and last points' names.
  phoneNews: {
    /** The exercise shown was closed, opened again, or its results shown; vote: poll, scale, survey, words, text. */
    status: (vote: boolean, status: string, was: string) =>
      status === 'open' ? (vote ? 'Voting is open again.' : 'This exercise is open again.')
        : status === 'results' ? (was === 'open' ? 'Voting has closed. The results are shown.' : 'The results are shown.')
          : vote ? 'Voting has closed.' : 'This exercise has closed.',
    /** The title taking the focus the change took away says it, once. */
    onTitle: (news: string, title: string) => `${news} “${title}”`,
    /** A scale's first or last point, with its end's label: "1, Too slow". */
    scaleEnd: (point: number, label: string) => `${point}, ${label}`,
    /** An offer on one's own request. */
    offerCame: (name: string, title: string) => `${name || 'Someone'} offered to help with “${title}”.`,
    /** One's offer accepted. */
    helping: (name: string, title: string) => `Your offer was accepted: you are helping ${name || 'someone'} with “${title}”.`,
  },

  // The console's buttons on a kudo or a help request, named with what
  // they act on (a list of “Hide” buttons says nothing of which is which).
  actOn: {
    kudo: (hidden: boolean, message: string) => `${hidden ? 'Show again' : 'Hide'}: “${short(message)}”`,
    resolve: (title: string) => `Mark resolved: “${title}”`,
  },

  // One's own retro card edited on the phone (retro.card.edit).
  retroEdit: {
    label: 'New text for this card',
    notSaved: (was: string, why: string) => `Your change to “${was}” was not saved. ${why}`,
    // The column a card is moved to with its edit.
    column: 'Column',
    // The editor closed under what was typed (the phase moved on, or the
    // card was deleted): nothing was sent, and the words are shown.
    closed: (was: string, gone: boolean) =>
      `${gone ? `“${short(was)}” was deleted, so your change` : `Cards can no longer be edited, so your change to “${short(was)}”`} was not sent. What you typed is below, to copy.`,
    typed: 'What you typed',
    again: 'Edit again',
    // Save pressed with the box emptied (its card's Delete beside it).
    missing: 'Type the card’s new text, or delete the card.',
  },

  // A retro's phase moved on under the phone: what one can do now, said
  // once (participant/Room.svelte). dots: each person's, 0 if unknown.
  retroNews: (phase: string, dots: number) => ({
    write: 'Back to writing cards. Only you see yours.',
    reveal: 'Cards are revealed. You can still add cards.',
    group: 'Cards are being grouped. You can still add cards.',
    vote: `Voting has started${dots ? `: you have ${plural(dots, 'dot', 'dots')}` : ''}.`,
    discuss: 'The discussion has started. You can add action items.',
    actions: 'Time to agree on action items. You can add them.',
  } as Record<string, string>)[phase] ?? '',

  // A retro card on the phone (participant/RetroExercise.svelte).
  retroCard: {
    // Names turned on while a card written under "Anonymous" is typed.
    staysAnon: 'Names are now shown; this card stays anonymous, as you started it.',
    // A card refused once its form had gone (sent offline, the board
    // moved on): why, plainly, and its words to copy. phase: the phase
    // it moved on to; '' for the retro closed; why: any other reason.
    notAdded: (text: string, phase: string, why = '') =>
      `${why ? `Your card “${short(text)}” was not added. ${why}`
        : `The ${phase ? `board moved on to ${({ vote: 'voting', discuss: 'the discussion', actions: 'action items' } as Record<string, string>)[phase] ?? phase}` : 'retro closed'} before your card “${short(text)}” arrived, so it was not added.`} Your text is below to copy.`,
    again: 'Put back in the box',
    // Edit tapped on a card while another's change is open.
    finishFirst: (was: string) => `Save or cancel your change to “${short(was)}” first.`,
  },

};

export type Strings = typeof en;

export const t: Strings = en;

/** A message for a failed command or request; the server's own text when the code is new to us. */
export function errorText(e: unknown, overrides: Record<string, string> = {}): string {
  const err = e as { code?: string; message?: string; field?: string };
  const code = err?.code ?? 'unknown';
  if (code in overrides) return overrides[code];
  if (code in t.errors) {
    // The server's words where they say more than the code's: which field
    // is wrong, which phase the command belongs to (wrong_phase: "cards
    // are grouped only in the group phase"; a dot of a vote started again
    // since), or which limit a dot met (no_dots_left: "you have placed all
    // 3 dots", "at most 2 dots on one item"), or which text an answered
    // vote keeps (has_answers: "people have answered already: option 2's
    // label now would change what their answers mean; …"), or what can be
    // done on a board full of text (board_full: "the board is full: the
    // facilitator can make room by deleting cards, …").
    if ((code === 'invalid' || code === 'too_long' || code === 'wrong_phase' || code === 'no_dots_left' || code === 'has_answers' || code === 'board_full') && err.message) {
      // The server's text starts with the field's path ("tags[6] is 34
      // characters; …"): say which one in people's terms.
      let m = err.message;
      if (err.field && m.startsWith(err.field + ' ')) m = fieldName(err.field) + m.slice(err.field.length);
      return m[0].toUpperCase() + m.slice(1) + '.';
    }
    return t.errors[code];
  }
  return err?.message || t.errors.unknown;
}

/** A field path of the protocol ("questions[1].options[0].label") as people name it. */
export function fieldName(field: string): string {
  const n = (re: RegExp) => {
    const m = re.exec(field);
    return m ? Number(m[1]) + 1 : 0;
  };
  const last = field.split('.').pop() ?? '';
  if (/^tags\[\d+\]$/.test(last)) return `tag ${n(/tags\[(\d+)\]$/)}`;
  if (/^words\[\d+\]$/.test(last)) return `word ${n(/words\[(\d+)\]$/)}`;
  if (/options\[\d+\]\.label$/.test(field)) {
    const q = n(/questions\[(\d+)\]/);
    return `option ${n(/options\[(\d+)\]/)}` + (q > 1 ? ` of question ${q}` : '');
  }
  if (/^columns\[\d+\]$/.test(field.split('.').slice(-2, -1)[0] ?? '')) return `column ${n(/columns\[(\d+)\]/)}'s ${last}`;
  if (/questions\[\d+\]\.prompt$/.test(field)) return `question ${n(/questions\[(\d+)\]/)}`;
  const plain: Record<string, string> = {
    title: 'the title', name: 'the name', prompt: 'the question', notes: 'the notes', text: 'the text', detail: 'the details',
    message: 'the message', owner: 'the owner', minLabel: 'the low end\'s label', maxLabel: 'the high end\'s label',
  };
  return plain[last] ?? 'this';
}
