// Subpath `@pecunia/core/serpapi`: web research through SerpAPI (loaded only when SERPAPI_API_KEY is set).
export { SerpApiResearcher } from './adapters/serpapi/serpapi-researcher';
