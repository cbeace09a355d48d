/** The page's fixed elements (from index.html), looked up once by id. */

export interface PageElements {
  readonly session: HTMLElement;
  readonly mode: HTMLElement;
  readonly user: HTMLElement;
  readonly signOut: HTMLButtonElement;
  readonly notice: HTMLElement;
  readonly tokenPanel: HTMLElement;
  readonly tokenForm: HTMLFormElement;
  readonly tokenInput: HTMLInputElement;
  readonly uploadPanel: HTMLElement;
  readonly uploadForm: HTMLFormElement;
  readonly fileInput: HTMLInputElement;
  readonly uploadButton: HTMLButtonElement;
  readonly uploadStatus: HTMLElement;
  readonly jobsPanel: HTMLElement;
  readonly jobCount: HTMLElement;
  readonly empty: HTMLElement;
  readonly jobs: HTMLOListElement;
  readonly loadMore: HTMLButtonElement;
}

/** Finds every element; throws naming the first missing id (index.html and this file disagree). */
export function findPageElements(doc: Document): PageElements {
  const get = <T extends HTMLElement>(id: string): T => {
    const element = doc.getElementById(id);
    if (!element) throw new Error(`index.html has no element #${id}`);
    return element as T;
  };
  return {
    session: get('session'),
    mode: get('mode'),
    user: get('user'),
    signOut: get('sign-out'),
    notice: get('notice'),
    tokenPanel: get('token-panel'),
    tokenForm: get('token-form'),
    tokenInput: get('token-input'),
    uploadPanel: get('upload-panel'),
    uploadForm: get('upload-form'),
    fileInput: get('file-input'),
    uploadButton: get('upload-button'),
    uploadStatus: get('upload-status'),
    jobsPanel: get('jobs-panel'),
    jobCount: get('job-count'),
    empty: get('empty'),
    jobs: get('jobs'),
    loadMore: get('load-more'),
  };
}
