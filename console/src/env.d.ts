/// <reference types="vite/client" />
declare module '*.graphql' {
  const text: string;
  export default text;
}
